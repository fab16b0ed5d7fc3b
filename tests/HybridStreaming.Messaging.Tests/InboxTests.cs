using FluentAssertions;
using HybridStreaming.Messaging.Inbox;
using HybridStreaming.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>(c) A redelivered message changes nothing the second time; a failed attempt leaves nothing behind.</summary>
public sealed class InboxTests(TestInfrastructure infrastructure) : MessagingTestBase(infrastructure)
{
    private MessagingHost _host = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _host = await MessagingHost.StartAsync(Database, Infrastructure.RabbitMqConnectionString, ServiceName);
    }

    public override async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_message_delivered_twice_with_the_same_id_is_processed_once()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var created = NewEvent(Guid.NewGuid());
        var messageId = NewId.NextGuid();

        // What the broker does after a lost ack, or the outbox relay after a lost confirm.
        await bus.Publish(created, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        await bus.Publish(created, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        // The endpoint takes one message at a time: when this one is done, both copies were handled.
        var sentinel = NewEvent(Guid.NewGuid(), 1);
        await bus.Publish(sentinel, TestContext.Current.CancellationToken);

        var received = await Eventually.ValueAsync(
            () => ReceivedAsync(_host), r => r.Any(x => x.WidgetId == sentinel.WidgetId), Generous, "the sentinel");
        received.Count(r => r.WidgetId == created.WidgetId).Should().Be(1, "the second delivery must change nothing");
        (await _host.WithDbAsync(db => db.Set<InboxMessage>().CountAsync(m => m.MessageId == messageId))).Should().Be(1);
    }

    [Fact]
    public async Task A_consumer_attempt_that_fails_leaves_nothing_and_the_retry_processes_the_message_once()
    {
        var created = NewEvent(Guid.NewGuid());
        _host.Probe.FailFirstAttempt[created.WidgetId] = 0;

        await _host.Services.GetRequiredService<IBus>().Publish(created, TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => _host.Probe.Arrivals.Any(a => a.WidgetId == created.WidgetId), Generous, "the retried attempt");
        var received = await ReceivedAsync(_host);
        received.Should().ContainSingle(r => r.WidgetId == created.WidgetId, "the failed attempt's write was rolled back");
        _host.Probe.FailFirstAttempt[created.WidgetId].Should().Be(1, "the first attempt did fail");
    }
}
