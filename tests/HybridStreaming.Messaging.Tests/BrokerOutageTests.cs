using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>(b) With the broker down, events accumulate in the outbox; after it restarts, every one is delivered.</summary>
public sealed class BrokerOutageTests(TestInfrastructure infrastructure) : MessagingTestBase(infrastructure)
{
    [Fact]
    public async Task Events_written_while_the_broker_is_down_are_all_delivered_in_order_after_it_restarts()
    {
        // A broker of this test's own (the AppHost's rabbitmq resource alone), so stopping it disturbs
        // nobody; it is stopped and started through Aspire's resource commands, as the dashboard does.
        await using var broker = await Infrastructure.StartPrivateRabbitMqAsync();
        await using var host = await MessagingHost.StartAsync(Database, broker.ConnectionString, ServiceName);

        // One event while all is well: the queue and its bindings exist before the outage.
        await WriteAsync(host, NewEvent(Guid.NewGuid()), commit: true);
        await Eventually.ValueAsync(() => ReceivedAsync(host), r => r.Count == 1, Generous, "the warm-up event");

        await broker.StopAsync(TestContext.Current.CancellationToken);

        var aggregates = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var written = new List<WidgetCreated>();
        for (var sequence = 1; sequence <= 10; sequence++)
        {
            foreach (var aggregate in aggregates)
            {
                var created = NewEvent(aggregate, sequence);
                await WriteAsync(host, created, commit: true);
                written.Add(created);
            }
        }

        // Nothing can be delivered: all 50 wait in the outbox.
        (await OutboxCountAsync(host)).Should().Be(written.Count);
        (await ReceivedAsync(host)).Should().HaveCount(1);

        await broker.StartAsync(TestContext.Current.CancellationToken);

        var received = await Eventually.ValueAsync(
            () => ReceivedAsync(host), r => r.Count >= written.Count + 1, TimeSpan.FromSeconds(120), "all events after the restart");
        await Eventually.TrueAsync(async () => await OutboxCountAsync(host) == 0, Generous, "the outbox to drain");

        var afterOutage = received.Skip(1).ToList();
        afterOutage.Select(r => r.WidgetId).Should().BeEquivalentTo(written.Select(w => w.WidgetId), "none is lost and none is processed twice");
        foreach (var aggregate in aggregates)
        {
            afterOutage.Where(r => r.AggregateId == aggregate).Select(r => r.Sequence)
                .Should().BeInAscendingOrder("events of one aggregate are published in the order they were written");
        }
    }
}
