using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>Several replicas relay one outbox: each event is published once overall, in order per aggregate.</summary>
public sealed class OrderingTests(TestInfrastructure infrastructure) : MessagingTestBase(infrastructure)
{
    [Fact]
    public async Task Two_relays_on_one_outbox_publish_each_aggregate_in_order()
    {
        await using var consumer = await MessagingHost.StartAsync(Database, Infrastructure.RabbitMqConnectionString, ServiceName);
        await using var secondReplica = await MessagingHost.StartAsync(Database, Infrastructure.RabbitMqConnectionString, ServiceName + "-replica", consume: false);

        var aggregates = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();
        var written = new List<WidgetCreated>();
        // Interleaved writes from both replicas, so both relays see work for every aggregate.
        for (var sequence = 1; sequence <= 25; sequence++)
        {
            foreach (var (aggregate, index) in aggregates.Select((a, i) => (a, i)))
            {
                var created = NewEvent(aggregate, sequence);
                await WriteAsync(index % 2 == 0 ? consumer : secondReplica, created, commit: true);
                written.Add(created);
            }
        }

        var received = await Eventually.ValueAsync(
            () => ReceivedAsync(consumer), r => r.Count >= written.Count, TimeSpan.FromSeconds(120), "every event");

        received.Select(r => r.WidgetId).Should().BeEquivalentTo(written.Select(w => w.WidgetId));
        foreach (var aggregate in aggregates)
        {
            received.Where(r => r.AggregateId == aggregate).Select(r => r.Sequence).Should().BeInAscendingOrder();
        }
    }
}
