using FluentAssertions;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>The ledger processor writes a session whose facts did not all arrive by the deadline (here 1 s).</summary>
public sealed class LedgerDeadlineTests(LedgerDeadlineFixture fixture) : IClassFixture<LedgerDeadlineFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_session_missing_RecordingStopped_is_written_provisional_at_the_deadline_and_again_when_it_arrives()
    {
        var session = SessionFacts.HdHybrid();
        foreach (var fact in session.Events.Where(f => f is not RecordingStopped))
        {
            await fixture.ConsumeAsync(fact);
        }

        var provisional = await Eventually.ValueAsync(
            () => fixture.SessionAsync(session.SessionId), s => s?.Revision > 0, Generous, "the ledger processor to write the session");

        provisional!.Revision.Should().Be(1);
        provisional.Status.Should().Be(LedgerStatus.Provisional);
        provisional.Unconfirmed.Should().Equal(LedgerFacts.RecordingStopped);
        provisional.NextAttemptAt.Should().BeNull();
        // No recording minutes and R counted as HD: 0.0040565 + 0 + 0.003591 + 0.001791 + 0.0045 + 0.0125.
        provisional.ActualTotal.Should().Be(0.0264385m);
        var lines = await fixture.LinesAsync(session.SessionId);
        lines.Should().HaveCount(HdHybridPrices.Lines);
        // Actual host, recording, media-push; counterfactual host, recording, audience: all priced at R.
        lines.Count(l => !l.Confirmed).Should().Be(6);
        var first = (await fixture.RecordedEventsAsync(session.SessionId)).Should().ContainSingle().Subject;
        first.Complete.Should().BeFalse();
        first.Unconfirmed.Should().Equal(LedgerFacts.RecordingStopped);

        await fixture.ConsumeAsync(session.Recording);

        var complete = (await fixture.SessionAsync(session.SessionId))!;
        complete.Revision.Should().Be(2);
        complete.Status.Should().Be(LedgerStatus.Complete);
        complete.Unconfirmed.Should().BeEmpty();
        complete.ActualTotal.Should().Be(HdHybridPrices.Actual);
        lines = await fixture.LinesAsync(session.SessionId);
        lines.Should().HaveCount(2 * HdHybridPrices.Lines, "revision 1's lines stay; revision 2 adds its own");
        lines.Where(l => l.Revision == 2).Should().OnlyContain(l => l.Confirmed);
        var events = await fixture.RecordedEventsAsync(session.SessionId);
        events.Select(e => (e.Revision, e.Complete, e.TotalUsd)).Should().Equal((1, false, 0.0264385m), (2, true, HdHybridPrices.Actual));
    }
}
