using FluentAssertions;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Cost;
using HybridStreaming.Cost.Api.Domain;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// A session's ledger without a database: facts in any order and any number of times, the deadline,
/// fallback sessions. Amounts are worked out by hand from the default list prices (docs/costs.md) in
/// <see cref="HdHybridPrices"/> and in the comments here; USD per 1,000 minutes, amount = minutes × price ÷ 1000.
/// </summary>
public sealed class SessionLedgerTests
{
    private static readonly CostModel Model = new(PriceTable.Default);
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("forward", new[] { 0, 1, 2, 3, 4 })]
    [InlineData("reverse", new[] { 4, 3, 2, 1, 0 })]
    [InlineData("shuffled", new[] { 2, 4, 0, 3, 1 })]
    public void Facts_in_any_order_write_revision_1_complete_with_the_hand_computed_totals(string order, int[] indexes)
    {
        var session = SessionFacts.HdHybrid();
        var ledger = Open(session);

        foreach (var index in indexes)
        {
            Take(ledger, session.Events[index], Now).Should().BeTrue($"each fact is new ({order})");
        }

        ledger.Revision.Should().Be(1);
        ledger.Status.Should().Be(LedgerStatus.Complete);
        ledger.Unconfirmed.Should().BeEmpty();
        ledger.ActualMode.Should().Be(StreamMode.Hybrid);
        ledger.ActualTotal.Should().Be(HdHybridPrices.Actual);
        ledger.CounterfactualTotal.Should().Be(HdHybridPrices.AgoraOnly);
        ledger.HybridTotal.Should().Be(HdHybridPrices.Actual);
        ledger.AgoraOnlyTotal.Should().Be(HdHybridPrices.AgoraOnly);
        ledger.PricedViewerMinutes.Should().Be(12.5m);
        ledger.PriceTableVersion.Should().Be(PriceTable.Default.Version);
        ledger.NextAttemptAt.Should().BeNull("nothing is due once the ledger is complete");
        ledger.Stale.Should().BeFalse();

        Lines(ledger).Should().Equal(
            (LedgerBasis.Actual, StreamMode.Hybrid, "host", "agora", 61m / 60m, 3.99m, HdHybridPrices.Host, true),
            (LedgerBasis.Actual, StreamMode.Hybrid, "recording", "agora", 1.0m, 5.99m, HdHybridPrices.Recording, true),
            (LedgerBasis.Actual, StreamMode.Hybrid, "media-push", "agora", 0.9m, 3.99m, HdHybridPrices.MediaPush, true),
            (LedgerBasis.Actual, StreamMode.Hybrid, "media-push-transcoding", "agora", 0.9m, 1.99m, HdHybridPrices.Transcoding, true),
            (LedgerBasis.Actual, StreamMode.Hybrid, "storage", "cloudflare", 0.9m, 5m, HdHybridPrices.Storage, true),
            (LedgerBasis.Actual, StreamMode.Hybrid, "delivery", "cloudflare", 12.5m, 1m, HdHybridPrices.Delivery, true),
            (LedgerBasis.Counterfactual, StreamMode.AgoraOnly, "host", "agora", 61m / 60m, 3.99m, HdHybridPrices.Host, true),
            (LedgerBasis.Counterfactual, StreamMode.AgoraOnly, "recording", "agora", 1.0m, 5.99m, HdHybridPrices.Recording, true),
            (LedgerBasis.Counterfactual, StreamMode.AgoraOnly, "audience", "agora", 12.5m, 3.99m, HdHybridPrices.Audience, true));
        ledger.PendingLines.Should().OnlyContain(line => line.Revision == 1 && line.PriceTableVersion == PriceTable.Default.Version);

        var recorded = ledger.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<SessionCostRecorded>().Subject;
        recorded.Revision.Should().Be(1);
        recorded.Complete.Should().BeTrue();
        recorded.Unconfirmed.Should().BeEmpty();
        recorded.SellerId.Should().Be("seller-a");
        recorded.Mode.Should().Be(StreamMode.Hybrid);
        recorded.TotalUsd.Should().Be(HdHybridPrices.Actual);
        recorded.HybridUsd.Should().Be(HdHybridPrices.Actual);
        recorded.AgoraOnlyUsd.Should().Be(HdHybridPrices.AgoraOnly);
        // (1 − 0.0324285 ÷ 0.0599215) × 100 ≈ 45.88 %.
        recorded.SavingsPercent.Should().Be((1m - (HdHybridPrices.Actual / HdHybridPrices.AgoraOnly)) * 100m);
        recorded.SavingsPercent!.Value.Should().BeApproximately(45.88m, 0.005m);
        recorded.PriceTableVersion.Should().Be(PriceTable.Default.Version);
    }

    [Fact]
    public void Every_one_of_the_120_orders_of_the_five_facts_writes_the_same_ledger()
    {
        var session = SessionFacts.HdHybrid();
        var forward = Open(session);
        foreach (var message in session.Events)
        {
            Take(forward, message, Now);
        }

        var expected = Snapshot(forward);
        var orders = 0;
        foreach (var order in Permutations([.. session.Events]))
        {
            var ledger = Open(session);
            foreach (var message in order)
            {
                Take(ledger, message, Now).Should().BeTrue();
            }

            Snapshot(ledger).Should().Be(expected, "the order is {0}", string.Join(", ", order.Select(m => m.GetType().Name)));
            orders++;
        }

        orders.Should().Be(120);
    }

    [Fact]
    public void Each_fact_taken_a_second_time_returns_false_and_changes_nothing()
    {
        var session = SessionFacts.HdHybrid();
        var ledger = Open(session);

        foreach (var message in session.Events)
        {
            Take(ledger, message, Now).Should().BeTrue();
            var before = Snapshot(ledger);

            Take(ledger, message, Now.AddMinutes(1)).Should().BeFalse($"the ledger already has {message.GetType().Name}");

            Snapshot(ledger).Should().Be(before, $"a second {message.GetType().Name} changes nothing");
        }

        // Once written, every repeat (even one with other figures) changes nothing: no revision, no event.
        var written = Snapshot(ledger);
        foreach (var message in session.Events)
        {
            Take(ledger, message, Now.AddHours(1)).Should().BeFalse();
        }

        Take(ledger, session.Relay with { Minutes = 5m }, Now.AddHours(1)).Should().BeFalse();
        ledger.RecordIfDue(Model, Now.AddDays(1)).Should().BeFalse();
        Snapshot(ledger).Should().Be(written);
        ledger.RelayMinutes.Should().Be(0.9m, "the first RelayStopped is the one taken");
        ledger.Revision.Should().Be(1);
        ledger.PendingEvents.Should().ContainSingle();
        ledger.PendingLines.Should().HaveCount(HdHybridPrices.Lines);
    }

    [Fact]
    public void An_agora_only_request_is_complete_without_RelayStopped()
    {
        var session = SessionFacts.HdAgoraOnly();
        var ledger = Open(session);

        foreach (var message in session.Events)
        {
            Take(ledger, message, Now);
        }

        ledger.MissingFacts.Should().BeEmpty();
        ledger.Revision.Should().Be(1);
        ledger.Status.Should().Be(LedgerStatus.Complete);
        ledger.ActualMode.Should().Be(StreamMode.AgoraOnly);
        ledger.ActualTotal.Should().Be(HdAgoraOnlyPrices.Actual);
        ledger.CounterfactualTotal.Should().Be(HdAgoraOnlyPrices.Hybrid);
        ledger.PendingLines.Should().HaveCount(HdAgoraOnlyPrices.Lines);
    }

    [Fact]
    public void A_hybrid_request_is_not_complete_without_RelayStopped()
    {
        var session = SessionFacts.HdHybrid();
        var ledger = Open(session);

        foreach (var message in session.Events.Where(m => m is not Contracts.Relay.RelayStopped))
        {
            Take(ledger, message, Now);
        }

        ledger.MissingFacts.Should().Equal(LedgerFacts.RelayStopped);
        ledger.Revision.Should().Be(0);
        ledger.Status.Should().Be(LedgerStatus.Collecting);
        ledger.PendingEvents.Should().BeEmpty();
        ledger.PendingLines.Should().BeEmpty();
        ledger.NextAttemptAt.Should().Be(Now + Deadline, "the ledger waits for the relay until the deadline");
    }

    [Fact]
    public void At_the_deadline_a_missing_RecordingStopped_gives_a_provisional_revision_and_its_late_arrival_revision_2()
    {
        var session = SessionFacts.HdHybrid();
        var ledger = Open(session);
        Take(ledger, session.Start, Now);
        Take(ledger, session.Ended, Now);
        ledger.NextAttemptAt.Should().Be(Now + Deadline, "StreamEnded starts the deadline");
        Take(ledger, session.Viewers, Now);
        Take(ledger, session.Relay, Now);

        ledger.RecordIfDue(Model, Now + Deadline - TimeSpan.FromTicks(1)).Should().BeFalse("the deadline has not passed");
        ledger.Revision.Should().Be(0);

        ledger.RecordIfDue(Model, Now + Deadline).Should().BeTrue();

        ledger.Revision.Should().Be(1);
        ledger.Status.Should().Be(LedgerStatus.Provisional);
        ledger.Unconfirmed.Should().Equal(LedgerFacts.RecordingStopped);
        ledger.NextAttemptAt.Should().BeNull();
        // Without RecordingStopped: no recording minutes, and the tier R counts as HD (unconfirmed).
        // Actual: 0.0040565 + recording 0 + 0.003591 + 0.001791 + 0.0045 + 0.0125 = 0.0264385.
        // Agora-only: 0.0040565 + 0 + 0.049875 = 0.0539315.
        ledger.ActualTotal.Should().Be(0.0264385m);
        ledger.AgoraOnlyTotal.Should().Be(0.0539315m);
        // Host, recording, media-push and audience are priced at R, which comes with RecordingStopped.
        Lines(ledger).Select(l => (l.Basis, l.Item, l.Amount, l.Confirmed)).Should().Equal(
            (LedgerBasis.Actual, "host", HdHybridPrices.Host, false),
            (LedgerBasis.Actual, "recording", 0m, false),
            (LedgerBasis.Actual, "media-push", HdHybridPrices.MediaPush, false),
            (LedgerBasis.Actual, "media-push-transcoding", HdHybridPrices.Transcoding, true),
            (LedgerBasis.Actual, "storage", HdHybridPrices.Storage, true),
            (LedgerBasis.Actual, "delivery", HdHybridPrices.Delivery, true),
            (LedgerBasis.Counterfactual, "host", HdHybridPrices.Host, false),
            (LedgerBasis.Counterfactual, "recording", 0m, false),
            (LedgerBasis.Counterfactual, "audience", HdHybridPrices.Audience, false));
        var provisional = ledger.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<SessionCostRecorded>().Subject;
        provisional.Complete.Should().BeFalse();
        provisional.Revision.Should().Be(1);
        provisional.Unconfirmed.Should().Equal(LedgerFacts.RecordingStopped);
        provisional.TotalUsd.Should().Be(0.0264385m);
        ledger.ClearPendingEvents(); // saved: the outbox took the event, the lines were added

        Take(ledger, session.Recording, Now + Deadline + TimeSpan.FromMinutes(3)).Should().BeTrue();

        ledger.Revision.Should().Be(2);
        ledger.Status.Should().Be(LedgerStatus.Complete);
        ledger.Unconfirmed.Should().BeEmpty();
        ledger.Stale.Should().BeFalse();
        ledger.ActualTotal.Should().Be(HdHybridPrices.Actual);
        ledger.AgoraOnlyTotal.Should().Be(HdHybridPrices.AgoraOnly);
        ledger.PendingLines.Should().HaveCount(HdHybridPrices.Lines).And.OnlyContain(l => l.Revision == 2 && l.Confirmed);
        var complete = ledger.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<SessionCostRecorded>().Subject;
        complete.Revision.Should().Be(2);
        complete.Complete.Should().BeTrue();
        complete.Unconfirmed.Should().BeEmpty();
        complete.TotalUsd.Should().Be(HdHybridPrices.Actual);
    }

    [Fact]
    public void A_fallback_session_pays_agora_only_plus_the_relay_that_ran_and_compares_with_hybrid_relaying_the_seller()
    {
        // Requested hybrid, ended agora-only; the relay ran 0.5 min before the fallback. 120 live seconds,
        // recording 2.0 min, 3 viewer-minutes, all over Agora.
        var session = SessionFacts.HdHybrid() with
        {
            EndedMode = StreamMode.AgoraOnly,
            LiveSeconds = 120,
            RecordingMinutes = 2.0m,
            RelayMinutes = 0.5m,
            HlsViewerMinutes = 0m,
            AgoraViewerMinutes = 3m,
        };
        var ledger = Open(session);

        foreach (var message in session.Events)
        {
            Take(ledger, message, Now);
        }

        ledger.Status.Should().Be(LedgerStatus.Complete, "a hybrid request needs the relay's fact, and it came");
        ledger.ActualMode.Should().Be(StreamMode.AgoraOnly);
        // Actual: host 2 × 3.99 ÷ 1000 = 0.00798, recording 2 × 5.99 ÷ 1000 = 0.01198, and the relay's
        // 0.5 min: media-push 0.5 × 3.99 ÷ 1000 = 0.001995, transcoding 0.5 × 1.99 ÷ 1000 = 0.000995,
        // storage 0.5 × 5 ÷ 1000 = 0.0025; audience 3 × 3.99 ÷ 1000 = 0.01197. Total 0.03742.
        Lines(ledger).Where(l => l.Basis == LedgerBasis.Actual).Select(l => (l.Mode, l.Item, l.Quantity, l.Amount)).Should().Equal(
            (StreamMode.AgoraOnly, "host", 2m, 0.00798m),
            (StreamMode.AgoraOnly, "recording", 2.0m, 0.01198m),
            (StreamMode.AgoraOnly, "media-push", 0.5m, 0.001995m),
            (StreamMode.AgoraOnly, "media-push-transcoding", 0.5m, 0.000995m),
            (StreamMode.AgoraOnly, "storage", 0.5m, 0.0025m),
            (StreamMode.AgoraOnly, "audience", 3m, 0.01197m));
        ledger.ActualTotal.Should().Be(0.03742m);
        ledger.AgoraOnlyTotal.Should().Be(0.03742m);
        // Counterfactual: hybrid relaying the seller's 2 min, the 3 viewer-minutes over the CDN:
        // 0.00798 + 0.01198 + media-push 2 × 3.99 ÷ 1000 = 0.00798 + transcoding 2 × 1.99 ÷ 1000 = 0.00398
        // + storage 2 × 5 ÷ 1000 = 0.01 + delivery 3 × 1 ÷ 1000 = 0.003 + audience 0. Total 0.04492.
        Lines(ledger).Where(l => l.Basis == LedgerBasis.Counterfactual).Select(l => (l.Mode, l.Item, l.Quantity, l.Amount)).Should().Equal(
            (StreamMode.Hybrid, "host", 2m, 0.00798m),
            (StreamMode.Hybrid, "recording", 2.0m, 0.01198m),
            (StreamMode.Hybrid, "media-push", 2m, 0.00798m),
            (StreamMode.Hybrid, "media-push-transcoding", 2m, 0.00398m),
            (StreamMode.Hybrid, "storage", 2m, 0.01m),
            (StreamMode.Hybrid, "delivery", 3m, 0.003m),
            (StreamMode.Hybrid, "audience", 0m, 0m));
        ledger.CounterfactualTotal.Should().Be(0.04492m);
        ledger.HybridTotal.Should().Be(0.04492m);
        // Savings 1 − 0.04492 ÷ 0.03742 ≈ −20.04 %: for 3 viewer-minutes hybrid would have cost more.
        var recorded = ledger.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<SessionCostRecorded>().Subject;
        recorded.Mode.Should().Be(StreamMode.AgoraOnly);
        recorded.TotalUsd.Should().Be(0.03742m);
        recorded.HybridUsd.Should().Be(0.04492m);
        recorded.SavingsPercent.Should().BeNegative();
        recorded.SavingsPercent.Should().Be((1m - (0.04492m / 0.03742m)) * 100m);
        recorded.SavingsPercent!.Value.Should().BeApproximately(-20.04m, 0.005m);
    }

    [Fact]
    public void Nothing_is_written_before_StreamEnded_even_with_every_other_fact()
    {
        var session = SessionFacts.HdHybrid();
        var ledger = Open(session);

        foreach (var message in session.Events.Where(m => m is not Contracts.Channels.StreamEnded))
        {
            Take(ledger, message, Now);
        }

        ledger.RecordIfDue(Model, Now.AddYears(1)).Should().BeFalse();
        ledger.MissingFacts.Should().Equal(LedgerFacts.StreamEnded);
        ledger.Revision.Should().Be(0);
        ledger.Status.Should().Be(LedgerStatus.Collecting);
        ledger.NextAttemptAt.Should().BeNull("no deadline runs before the stream ended");
        ledger.PendingEvents.Should().BeEmpty();
        ledger.PendingLines.Should().BeEmpty();
    }

    private static SessionLedger Open(SessionFacts session) => SessionLedger.Open(session.SessionId, session.ChannelId, AudienceType.Interactive);

    /// <summary>What <c>LedgerStore.TakeAsync</c> does: takes the fact and, when it was new, writes a revision if one is due.</summary>
    private static bool Take(SessionLedger ledger, object message, DateTimeOffset now)
    {
        var (_, take) = SessionFacts.TakeOf(message, Deadline);
        if (!take(ledger, now))
        {
            return false;
        }

        ledger.RecordIfDue(Model, now);
        return true;
    }

    private static List<(LedgerBasis Basis, StreamMode Mode, string Item, string Provider, decimal Quantity, decimal UnitPricePer1000, decimal Amount, bool Confirmed)> Lines(SessionLedger ledger) =>
        [.. ledger.PendingLines.Select(l => (l.Basis, l.Mode, l.Item, l.Provider, l.Quantity, l.UnitPricePer1000, l.Amount, l.Confirmed))];

    /// <summary>Everything a fact could change, comparable by value.</summary>
    private static string Snapshot(SessionLedger l) =>
        string.Join(
            " | ",
            l.Revision, l.Status, string.Join(",", l.Unconfirmed), l.ActualMode, l.ActualTotal, l.CounterfactualTotal, l.HybridTotal,
            l.AgoraOnlyTotal, l.PricedViewerMinutes, l.Stale, l.NextAttemptAt, l.SellerId, l.RequestedMode, l.EndedMode, l.LiveSeconds,
            l.RecordingMinutes, l.Tier, l.RelayMinutes, l.ViewerMinutes, l.HlsViewerMinutes, l.AgoraViewerMinutes,
            string.Join(";", l.PendingEvents.OfType<SessionCostRecorded>().Select(e => $"{e.Revision}/{e.Complete}/{e.TotalUsd}/{e.AgoraOnlyUsd}")),
            string.Join(";", Lines(l)));

    private static IEnumerable<List<object>> Permutations(List<object> items)
    {
        if (items.Count <= 1)
        {
            yield return [.. items];
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
