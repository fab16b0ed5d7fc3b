using FluentAssertions;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>(a) The state change and its event commit or roll back together.</summary>
public sealed class OutboxTransactionTests(TestInfrastructure infrastructure) : MessagingTestBase(infrastructure)
{
    private MessagingHost _host = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _host = await MessagingHost.StartAsync(Database, Infrastructure.RabbitMqConnectionString, ServiceName);
    }

    public override async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_committed_state_change_is_stored_with_its_event_and_the_event_is_delivered()
    {
        var created = NewEvent(Guid.NewGuid());

        await WriteAsync(_host, created, commit: true);

        var received = await Eventually.ValueAsync(() => ReceivedAsync(_host), r => r.Count > 0, Generous, "the event to be consumed");
        received.Should().ContainSingle().Which.WidgetId.Should().Be(created.WidgetId);
        (await _host.WithDbAsync(db => db.Widgets.AnyAsync(w => w.Id == created.WidgetId))).Should().BeTrue();
        await Eventually.TrueAsync(async () => await OutboxCountAsync(_host) == 0, Generous, "the published row to be removed");
    }

    [Fact]
    public async Task A_rolled_back_state_change_leaves_neither_state_nor_event()
    {
        var rolledBack = NewEvent(Guid.NewGuid());
        var sentinel = NewEvent(Guid.NewGuid(), 1);

        await WriteAsync(_host, rolledBack, commit: false);
        (await OutboxCountAsync(_host)).Should().Be(0, "the event row was part of the rolled-back transaction");
        await WriteAsync(_host, sentinel, commit: true);

        // Once the later, committed event arrived, an earlier one could have arrived too — it must not.
        var received = await Eventually.ValueAsync(() => ReceivedAsync(_host), r => r.Count > 0, Generous, "the sentinel event");
        received.Select(r => r.WidgetId).Should().Equal(sentinel.WidgetId);
        (await _host.WithDbAsync(db => db.Widgets.AnyAsync(w => w.Id == rolledBack.WidgetId))).Should().BeFalse();
    }

    [Fact]
    public async Task A_save_that_fails_writes_no_event()
    {
        var existing = NewEvent(Guid.NewGuid());
        await WriteAsync(_host, existing, commit: true);
        await Eventually.ValueAsync(() => ReceivedAsync(_host), r => r.Count == 1, Generous, "the first event");

        // Same primary key again: SaveChanges fails, and the event added with it must not be written.
        var duplicate = existing with { Sequence = 99 };
        var save = () => _host.WithDbAsync(async db =>
        {
            db.Widgets.Add(new Widget { Id = duplicate.WidgetId, Name = "duplicate" });
            db.AddIntegrationEvent(duplicate, duplicate.AggregateId);
            return await db.SaveChangesAsync();
        });

        await save.Should().ThrowAsync<DbUpdateException>();
        (await OutboxCountAsync(_host)).Should().Be(0);
    }
}
