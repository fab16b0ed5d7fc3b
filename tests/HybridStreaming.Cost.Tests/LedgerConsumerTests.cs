using FluentAssertions;
using HybridStreaming.Contracts.Relay;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Messaging.Inbox;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// The ledger's consumers on real Postgres, behind the inbox as in the service: duplicates under new
/// message ids (the ledger's rule), redeliveries under the same id (the inbox's) and the append-only lines.
/// </summary>
public sealed class LedgerConsumerTests(LedgerConsumersFixture fixture) : IClassFixture<LedgerConsumersFixture>
{
    [Fact]
    public async Task The_five_facts_in_reverse_order_each_twice_under_new_ids_write_one_complete_revision()
    {
        var session = SessionFacts.HdHybrid();
        var messageIds = new List<Guid>();

        foreach (var fact in session.Events.Reverse())
        {
            messageIds.Add(await fixture.ConsumeAsync(fact));
            messageIds.Add(await fixture.ConsumeAsync(fact)); // a republish: same fact, new message id
        }

        var ledger = (await fixture.SessionAsync(session.SessionId))!;
        ledger.Revision.Should().Be(1);
        ledger.Status.Should().Be(LedgerStatus.Complete);
        ledger.Unconfirmed.Should().BeEmpty();
        ledger.SellerId.Should().Be(session.SellerId);
        ledger.ActualTotal.Should().Be(HdHybridPrices.Actual);
        ledger.CounterfactualTotal.Should().Be(HdHybridPrices.AgoraOnly);
        ledger.HybridTotal.Should().Be(HdHybridPrices.Actual);
        ledger.AgoraOnlyTotal.Should().Be(HdHybridPrices.AgoraOnly);
        ledger.NextAttemptAt.Should().BeNull();

        var lines = await fixture.LinesAsync(session.SessionId);
        lines.Should().HaveCount(HdHybridPrices.Lines).And.OnlyContain(l => l.Revision == 1 && l.Confirmed);
        lines.Where(l => l.Basis == LedgerBasis.Actual).Sum(l => l.Amount).Should().Be(HdHybridPrices.Actual);
        lines.Where(l => l.Basis == LedgerBasis.Counterfactual).Sum(l => l.Amount).Should().Be(HdHybridPrices.AgoraOnly);

        var recorded = (await fixture.RecordedEventsAsync(session.SessionId)).Should().ContainSingle().Subject;
        recorded.Revision.Should().Be(1);
        recorded.Complete.Should().BeTrue();
        recorded.TotalUsd.Should().Be(HdHybridPrices.Actual);
        recorded.AgoraOnlyUsd.Should().Be(HdHybridPrices.AgoraOnly);

        // Every delivery got through the inbox (new ids): the ledger itself ignored the repeats.
        messageIds.Select(fixture.Host.ConsumerRunsOf).Should().AllBeEquivalentTo(1);
        (await fixture.Host.WithDbAsync(db => db.Set<InboxMessage>().CountAsync(m => messageIds.Contains(m.MessageId), TestContext.Current.CancellationToken)))
            .Should().Be(10);
    }

    [Fact]
    public async Task The_facts_of_ten_sessions_consumed_at_once_write_one_revision_per_session()
    {
        // Facts of one session on five endpoints at once: their transactions update one row, and the
        // row's xmin makes all but one take the fact again on the fresh row.
        var sessions = Enumerable.Range(0, 10).Select(_ => SessionFacts.HdHybrid()).ToList();

        await Task.WhenAll(sessions.SelectMany(s => s.Events).Select(fact => fixture.ConsumeAsync(fact)));

        foreach (var session in sessions)
        {
            var ledger = (await fixture.SessionAsync(session.SessionId))!;
            (ledger.Revision, ledger.Status, ledger.ActualTotal).Should().Be((1, LedgerStatus.Complete, HdHybridPrices.Actual));
            (await fixture.LinesAsync(session.SessionId)).Should().HaveCount(HdHybridPrices.Lines);
            (await fixture.RecordedEventsAsync(session.SessionId)).Should().ContainSingle();
        }
    }

    [Fact]
    public async Task A_redelivery_under_the_same_message_id_is_stopped_by_the_inbox()
    {
        var session = SessionFacts.HdHybrid();
        await fixture.ConsumeAsync(session.Start);
        var relayId = await fixture.ConsumeAsync(session.Relay);
        var before = (await fixture.SessionAsync(session.SessionId))!;
        before.RelayMinutes.Should().Be(0.9m);

        // What the broker does after a lost ack, or the outbox relay after a lost confirm.
        await fixture.ConsumeAsync(session.Relay, relayId);

        fixture.Host.DeliveriesOf(relayId).Should().Be(2, "both deliveries reached the endpoint");
        fixture.Host.ConsumerRunsOf(relayId).Should().Be(1, "the inbox kept the consumer from running again");
        var inbox = await fixture.Host.WithDbAsync(db => db.Set<InboxMessage>().AsNoTracking()
            .Where(m => m.MessageId == relayId).ToListAsync(TestContext.Current.CancellationToken));
        inbox.Should().ContainSingle().Which.MessageType.Should().Be(nameof(RelayStopped));
        var after = (await fixture.SessionAsync(session.SessionId))!;
        after.Version.Should().Be(before.Version, "the session's row was not written again");
        after.RelayMinutes.Should().Be(0.9m);
        after.Revision.Should().Be(0);
        (await fixture.LinesAsync(session.SessionId)).Should().BeEmpty();
        (await fixture.RecordedEventsAsync(session.SessionId)).Should().BeEmpty();
    }

    [Fact]
    public async Task Ledger_lines_cannot_be_updated_or_deleted()
    {
        var session = SessionFacts.HdHybrid();
        foreach (var fact in session.Events)
        {
            await fixture.ConsumeAsync(fact);
        }

        var written = await fixture.LinesAsync(session.SessionId);
        written.Should().HaveCount(HdHybridPrices.Lines);
        var id = session.SessionId;

        var update = await fixture.Invoking(f => f.Host.WithDbAsync(db =>
                db.Database.ExecuteSqlAsync($"UPDATE ledger_lines SET amount = 0 WHERE session_id = {id}", TestContext.Current.CancellationToken)))
            .Should().ThrowAsync<PostgresException>();
        update.Which.MessageText.Should().Contain("ledger_lines is append-only: UPDATE");
        var delete = await fixture.Invoking(f => f.Host.WithDbAsync(db =>
                db.Database.ExecuteSqlAsync($"DELETE FROM ledger_lines WHERE session_id = {id}", TestContext.Current.CancellationToken)))
            .Should().ThrowAsync<PostgresException>();
        delete.Which.MessageText.Should().Contain("ledger_lines is append-only: DELETE");

        (await fixture.LinesAsync(session.SessionId)).Select(l => (l.Basis, l.Item, l.Amount))
            .Should().Equal(written.Select(l => (l.Basis, l.Item, l.Amount)));
    }
}
