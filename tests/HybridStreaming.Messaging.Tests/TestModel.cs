using System.Collections.Concurrent;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging.Outbox;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Messaging.Tests;

/// <summary>An event of the tests' own; <see cref="RunId"/> keeps tests that share a broker apart.</summary>
public sealed record WidgetCreated(Guid RunId, Guid WidgetId, Guid AggregateId, int Sequence);

public sealed class Widget
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";
}

/// <summary>What the consumer did: one row per processing that committed.</summary>
public sealed class ReceivedWidget
{
    public long Id { get; set; }

    public Guid RunId { get; set; }

    public Guid WidgetId { get; set; }

    public Guid AggregateId { get; set; }

    public int Sequence { get; set; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Widget> Widgets => Set<Widget>();

    public DbSet<ReceivedWidget> Received => Set<ReceivedWidget>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

/// <summary>Arrival order as the consumer saw it, and a way to fail chosen attempts.</summary>
public sealed class ConsumerProbe
{
    public ConcurrentQueue<WidgetCreated> Arrivals { get; } = new();

    /// <summary>Widgets whose first processing attempt throws (after writing), to prove a failed attempt leaves nothing.</summary>
    public ConcurrentDictionary<Guid, int> FailFirstAttempt { get; } = new();
}

public sealed class WidgetCreatedConsumer(TestDbContext db, ConsumerProbe probe) : IConsumer<WidgetCreated>
{
    public async Task Consume(ConsumeContext<WidgetCreated> context)
    {
        var message = context.Message;
        db.Received.Add(new ReceivedWidget
        {
            RunId = message.RunId,
            WidgetId = message.WidgetId,
            AggregateId = message.AggregateId,
            Sequence = message.Sequence,
        });
        await db.SaveChangesAsync(context.CancellationToken);

        if (probe.FailFirstAttempt.TryGetValue(message.WidgetId, out var attempts) && attempts == 0)
        {
            probe.FailFirstAttempt[message.WidgetId] = 1;
            throw new InvalidOperationException("first attempt fails on purpose");
        }

        probe.Arrivals.Enqueue(message);
    }
}

/// <summary>One message at a time, so processing order is queue order (what the ordering tests observe).</summary>
public sealed class WidgetCreatedConsumerDefinition : ConsumerDefinition<WidgetCreatedConsumer>
{
    public WidgetCreatedConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WidgetCreatedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = 1;
}
