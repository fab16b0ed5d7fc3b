using FluentAssertions;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// The sessions the report tests read, written through the ledger on a database of their own. The
/// period is 2026-03-02 … 2026-03-05 (UTC days; a session counts on the day it ended):
/// <list type="bullet">
/// <item>A1: seller A, channel CA, the HD hybrid session, ended 03-02 10:00 — 0.0324285 (agora-only 0.0599215);</item>
/// <item>A2: seller A, channel CA, the HD agora-only session, ended 03-04 23:59:59 — 0.17956 (hybrid 0.08192);</item>
/// <item>A3: seller A, channel CA2, the HD hybrid session without RecordingStopped, written provisional at its
/// deadline, ended 03-04 00:00:00 — 0.0264385 (agora-only 0.0539315);</item>
/// <item>B1: seller B, channel CB, the HD hybrid session, ended 03-02 12:00 — 0.0324285 (agora-only 0.0599215);</item>
/// <item>outside the period or not written: seller A's sessions ended 03-01 23:59:59 and 03-06 00:00:00, and one
/// that has not ended.</item>
/// </list>
/// </summary>
public sealed class CostReportsFixture(TestInfrastructure infrastructure) : IAsyncLifetime
{
    public const string SellerA = "seller-a";
    public const string SellerB = "seller-b";

    public CostDatabase Database { get; } = new(infrastructure);

    public CostPeriod Period { get; } = new(new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 5));

    public Guid ChannelA { get; } = Guid.NewGuid();

    public Guid ChannelA2 { get; } = Guid.NewGuid();

    public Guid ChannelB { get; } = Guid.NewGuid();

    public SessionFacts A1 { get; private set; } = null!;

    public SessionFacts A3 { get; private set; } = null!;

    public SessionFacts Unended { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        A1 = SessionFacts.HdHybrid(SellerA, ChannelA, At(2026, 3, 2, 10, 0, 0));
        await Database.TakeAsync(A1);
        await Database.TakeAsync(SessionFacts.HdAgoraOnly(SellerA, ChannelA, At(2026, 3, 4, 23, 59, 59)));
        A3 = SessionFacts.HdHybrid(SellerA, ChannelA2, At(2026, 3, 4, 0, 0, 0));
        var clock = new FakeTimeProvider(A3.EndedAt.AddSeconds(5));
        await Database.TakeAsync(A3, fact => fact is not RecordingStopped, clock);
        clock.Advance(CostDatabase.Options.LedgerDeadline + TimeSpan.FromSeconds(1));
        await Database.RecordAtDeadlineAsync(A3.SessionId, clock);
        await Database.TakeAsync(SessionFacts.HdHybrid(SellerB, ChannelB, At(2026, 3, 2, 12, 0, 0)));

        await Database.TakeAsync(SessionFacts.HdHybrid(SellerA, ChannelA, At(2026, 3, 1, 23, 59, 59)));
        await Database.TakeAsync(SessionFacts.HdHybrid(SellerA, ChannelA, At(2026, 3, 6, 0, 0, 0)));
        Unended = SessionFacts.HdHybrid(SellerA, ChannelA, At(2026, 3, 3, 10, 0, 0));
        await Database.TakeAsync(Unended, fact => fact is not StreamEnded);
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    public async Task<T> ReadAsync<T>(Func<CostReports, Task<T>> read)
    {
        await using var db = Database.NewContext();
        return await read(new CostReports(db, CostDatabase.Model));
    }

    private static DateTimeOffset At(int year, int month, int day, int hour, int minute, int second) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);
}

/// <summary>What sellers and admins read from the ledger: totals, days, a channel, a session.</summary>
public sealed class CostReportsTests(CostReportsFixture fixture) : IClassFixture<CostReportsFixture>
{
    private static readonly CostViewer SellerA = new(CostReportsFixture.SellerA);
    private static readonly CostViewer SellerB = new(CostReportsFixture.SellerB);
    private static readonly CostViewer Admin = new(SellerId: null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_seller_s_totals_hold_only_their_sessions_of_the_period_summed_by_hand()
    {
        var totals = await fixture.ReadAsync(r => r.TotalsAsync(fixture.Period, SellerA, channelId: null, Cancel));

        // A1 + A2 + A3; the sessions of 03-01 and 03-06, the unended one and seller B's do not count.
        totals.Sessions.Should().Be(3);
        totals.SessionsByMode.Should().Be(new SessionsByMode(Hybrid: 2, AgoraOnly: 1));
        totals.ProvisionalSessions.Should().Be(1);
        totals.Total.Should().Be(0.238427m); // 0.0324285 + 0.17956 + 0.0264385
        totals.AgoraOnlyEquivalent.Should().Be(0.293413m); // 0.0599215 + 0.17956 + 0.0539315
        totals.HybridEquivalent.Should().Be(0.140787m); // 0.0324285 + 0.08192 + 0.0264385
        totals.ViewerMinutes.Should().Be(65m); // 12.5 + 40 + 12.5
        // (1 − 0.238427 ÷ 0.293413) × 100 ≈ 18.74 %; 0.238427 ÷ (65 ÷ 60 h) × 1000 ≈ 220.09 per 1,000 viewer-hours.
        totals.SavingsPercent!.Value.Should().BeApproximately(18.7401m, 0.0001m);
        totals.CostPer1000ViewerHours!.Value.Should().BeApproximately(220.0865m, 0.0001m);
        (totals.From, totals.To, totals.ChannelId).Should().Be((fixture.Period.From, fixture.Period.To, (Guid?)null));

        var other = await fixture.ReadAsync(r => r.TotalsAsync(fixture.Period, SellerB, channelId: null, Cancel));
        other.Sessions.Should().Be(1);
        other.Total.Should().Be(HdHybridPrices.Actual);
        other.AgoraOnlyEquivalent.Should().Be(HdHybridPrices.AgoraOnly);
    }

    [Fact]
    public async Task An_admin_s_totals_and_days_hold_every_seller_s_sessions()
    {
        var totals = await fixture.ReadAsync(r => r.TotalsAsync(fixture.Period, Admin, channelId: null, Cancel));

        totals.Sessions.Should().Be(4);
        totals.SessionsByMode.Should().Be(new SessionsByMode(Hybrid: 3, AgoraOnly: 1));
        totals.Total.Should().Be(0.2708555m); // seller A's 0.238427 + B1's 0.0324285
        totals.AgoraOnlyEquivalent.Should().Be(0.3533345m); // 0.293413 + 0.0599215
        totals.HybridEquivalent.Should().Be(0.1732155m); // 0.140787 + 0.0324285
        totals.ViewerMinutes.Should().Be(77.5m);

        var daily = await fixture.ReadAsync(r => r.DailyAsync(fixture.Period, Admin, Cancel));
        daily.Days[0].Should().Be(new DailyCostRow(new DateOnly(2026, 3, 2), 2, 0.064857m, 0.119843m, (1m - (0.064857m / 0.119843m)) * 100m));
    }

    [Fact]
    public async Task The_days_of_a_seller_list_every_day_of_the_period_with_zeros_where_no_session_ended()
    {
        var daily = await fixture.ReadAsync(r => r.DailyAsync(fixture.Period, SellerA, Cancel));

        (daily.From, daily.To).Should().Be((fixture.Period.From, fixture.Period.To));
        daily.Days.Should().Equal(
            new DailyCostRow(new DateOnly(2026, 3, 2), 1, 0.0324285m, 0.0599215m, (1m - (0.0324285m / 0.0599215m)) * 100m),
            new DailyCostRow(new DateOnly(2026, 3, 3), 0, 0m, 0m, null),
            // A3 ended at 00:00:00 and A2 at 23:59:59: both on 03-04. 0.0264385 + 0.17956; 0.0539315 + 0.17956.
            new DailyCostRow(new DateOnly(2026, 3, 4), 2, 0.2059985m, 0.2334915m, (1m - (0.2059985m / 0.2334915m)) * 100m),
            new DailyCostRow(new DateOnly(2026, 3, 5), 0, 0m, 0m, null));

        var other = await fixture.ReadAsync(r => r.DailyAsync(fixture.Period, SellerB, Cancel));
        other.Days.Select(d => d.Sessions).Should().Equal(1, 0, 0, 0);
    }

    [Fact]
    public async Task A_channel_is_readable_by_its_seller_and_admins_and_its_totals_hold_its_sessions()
    {
        (await fixture.ReadAsync(r => r.MaySeeChannelAsync(fixture.ChannelA, SellerA, Cancel))).Should().BeTrue();
        (await fixture.ReadAsync(r => r.MaySeeChannelAsync(fixture.ChannelA, SellerB, Cancel))).Should().BeFalse();
        (await fixture.ReadAsync(r => r.MaySeeChannelAsync(fixture.ChannelB, SellerA, Cancel))).Should().BeFalse();
        (await fixture.ReadAsync(r => r.MaySeeChannelAsync(fixture.ChannelA, Admin, Cancel))).Should().BeTrue();
        (await fixture.ReadAsync(r => r.MaySeeChannelAsync(Guid.NewGuid(), SellerB, Cancel))).Should().BeTrue("a channel without sessions shows zeros");

        var channel = await fixture.ReadAsync(r => r.TotalsAsync(fixture.Period, SellerA, fixture.ChannelA, Cancel));
        channel.ChannelId.Should().Be(fixture.ChannelA);
        channel.Sessions.Should().Be(2); // A1 and A2; A3 is on channel CA2
        channel.Total.Should().Be(0.2119885m); // 0.0324285 + 0.17956
        channel.AgoraOnlyEquivalent.Should().Be(0.2394815m); // 0.0599215 + 0.17956
        (await fixture.ReadAsync(r => r.TotalsAsync(fixture.Period, Admin, fixture.ChannelA, Cancel))).Total.Should().Be(0.2119885m);
    }

    [Fact]
    public async Task A_session_is_shown_to_its_seller_and_admins_only()
    {
        (await fixture.ReadAsync(r => r.SessionAsync(fixture.A1.SessionId, SellerB, Cancel))).Should().BeNull();
        (await fixture.ReadAsync(r => r.SessionAsync(fixture.A1.SessionId, Admin, Cancel))).Should().NotBeNull();

        var session = (await fixture.ReadAsync(r => r.SessionAsync(fixture.A1.SessionId, SellerA, Cancel)))!;

        session.Status.Should().Be("complete");
        session.Revision.Should().Be(1);
        session.Mode.Should().Be(StreamMode.Hybrid);
        session.Tier.Should().Be(RecordingTier.Hd);
        session.Actual!.Total.Should().Be(HdHybridPrices.Actual);
        session.Actual.Items.Select(i => (i.Name, i.Amount)).Should().Equal(
            ("host", HdHybridPrices.Host), ("recording", HdHybridPrices.Recording), ("media-push", HdHybridPrices.MediaPush),
            ("media-push-transcoding", HdHybridPrices.Transcoding), ("storage", HdHybridPrices.Storage), ("delivery", HdHybridPrices.Delivery));
        session.Counterfactual!.Items.Select(i => (i.Name, i.Amount)).Should().Equal(
            ("host", HdHybridPrices.Host), ("recording", HdHybridPrices.Recording), ("audience", HdHybridPrices.Audience));
        session.Lines.Should().HaveCount(HdHybridPrices.Lines);
        session.SavingsPercent.Should().Be((1m - (HdHybridPrices.Actual / HdHybridPrices.AgoraOnly)) * 100m);
        session.BreakEvenViewers.Should().Be(4);
        session.Usage.SellerMinutes.Should().Be(61m / 60m);
        session.Usage.ViewerMinutes.Should().Be(12.5m);
    }

    [Fact]
    public async Task A_provisional_session_names_its_unconfirmed_facts_and_an_unended_one_its_missing_facts()
    {
        var provisional = (await fixture.ReadAsync(r => r.SessionAsync(fixture.A3.SessionId, SellerA, Cancel)))!;
        provisional.Status.Should().Be("provisional");
        provisional.Unconfirmed.Should().Equal(LedgerFacts.RecordingStopped);
        provisional.Actual!.Total.Should().Be(0.0264385m);
        provisional.Lines.Where(l => !l.Confirmed).Select(l => (l.Basis, l.Name)).Should().Equal(
            ("actual", "host"), ("actual", "recording"), ("actual", "media-push"),
            ("counterfactual", "host"), ("counterfactual", "recording"), ("counterfactual", "audience"));

        var unended = (await fixture.ReadAsync(r => r.SessionAsync(fixture.Unended.SessionId, SellerA, Cancel)))!;
        unended.Status.Should().Be("collecting");
        unended.Revision.Should().Be(0);
        unended.Unconfirmed.Should().Equal(LedgerFacts.StreamEnded);
        unended.Actual.Should().BeNull();
        unended.Lines.Should().BeEmpty();
    }
}
