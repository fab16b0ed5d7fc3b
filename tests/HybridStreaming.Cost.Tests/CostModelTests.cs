using FluentAssertions;
using Xunit;
using HybridStreaming.Contracts;
using HybridStreaming.Cost.Api.Domain;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// The cost model at the default list prices. Every expectation is worked out by hand in the comment
/// above it (USD per 1,000 minutes; amount = minutes × price ÷ 1,000).
/// </summary>
public sealed class CostModelTests
{
    private static readonly CostModel Model = new(PriceTable.Default);

    [Fact]
    public void The_acceptance_estimate_for_1000_HD_viewers_over_an_hour()
    {
        // Hybrid: 60 × (host 3.99 + recording 5.99 + push 3.99 + transcoding 1.99 + storage 5) ÷ 1000
        // = 60 × 20.96 ÷ 1000 = 1.2576, plus delivery 60,000 × 1 ÷ 1000 = 60 → 61.2576.
        // Agora-only: 60 × (3.99 + 5.99) ÷ 1000 = 0.5988, plus 60,000 × 3.99 ÷ 1000 = 239.4 → 239.9988.
        var estimate = Model.Estimate(1000, 60m, RecordingTier.Hd, AudienceType.Interactive);

        estimate.Hybrid.Total.Should().Be(61.2576m);
        estimate.AgoraOnly.Total.Should().Be(239.9988m);
        estimate.Savings.Should().Be(1m - (61.2576m / 239.9988m));
        estimate.SavingsPercent!.Value.Should().BeApproximately(74.48m, 0.005m);
        estimate.BreakEvenViewers.Should().Be(4);
    }

    [Fact]
    public void The_acceptance_estimate_lists_every_item()
    {
        var estimate = Model.Estimate(1000, 60m, RecordingTier.Hd);

        estimate.Hybrid.Items.Should().Equal(
            new CostItem("host", "agora", 60m, 3.99m, 0.2394m),
            new CostItem("recording", "agora", 60m, 5.99m, 0.3594m),
            new CostItem("media-push", "agora", 60m, 3.99m, 0.2394m),
            new CostItem("media-push-transcoding", "agora", 60m, 1.99m, 0.1194m),
            new CostItem("storage", "cloudflare", 60m, 5m, 0.3m),
            new CostItem("delivery", "cloudflare", 60_000m, 1m, 60m),
            new CostItem("audience", "agora", 0m, 3.99m, 0m));
        estimate.AgoraOnly.Items.Should().Equal(
            new CostItem("host", "agora", 60m, 3.99m, 0.2394m),
            new CostItem("recording", "agora", 60m, 5.99m, 0.3594m),
            new CostItem("audience", "agora", 60_000m, 3.99m, 239.4m));
    }

    [Fact]
    public void With_no_viewers_hybrid_costs_more_and_the_savings_are_negative()
    {
        // Hybrid 1.2576 (fixed part only); agora-only 0.5988; savings 1 − 1.2576 ÷ 0.5988 ≈ −110 %.
        var estimate = Model.Estimate(0, 60m, RecordingTier.Hd);

        estimate.Hybrid.Total.Should().Be(1.2576m);
        estimate.AgoraOnly.Total.Should().Be(0.5988m);
        estimate.Savings!.Value.Should().BeApproximately(-1.1002m, 0.0001m);
        estimate.BreakEvenViewers.Should().Be(4);
    }

    [Fact]
    public void A_sub_minute_stream_is_priced_by_the_exact_fraction()
    {
        // 45 s = 0.75 min, 10 viewers → 7.5 viewer-minutes.
        // Hybrid: 0.75 × 20.96 ÷ 1000 = 0.01572, + 7.5 × 1 ÷ 1000 = 0.0075 → 0.02322.
        // Agora-only: 0.75 × 9.98 ÷ 1000 = 0.007485, + 7.5 × 3.99 ÷ 1000 = 0.029925 → 0.03741.
        var estimate = Model.Estimate(10, 0.75m, RecordingTier.Hd);

        estimate.Hybrid.Total.Should().Be(0.02322m);
        estimate.AgoraOnly.Total.Should().Be(0.03741m);
    }

    [Theory]
    // 100 viewers × 60 min. Hybrid: 0.06 × (2 × host + recording + 1.99 + 5) + 6 (delivery).
    // Agora-only: 0.06 × (host + recording) + 6 × audience.
    // Break-even: ⌊(audience_i + 1.99 + 5) ÷ (audience − 1)⌋ + 1.
    [InlineData(RecordingTier.Audio, AudienceType.Interactive, "6.6276", "6.0888", null)]
    [InlineData(RecordingTier.Hd, AudienceType.Interactive, "7.2576", "24.5388", 4)]
    [InlineData(RecordingTier.FullHd, AudienceType.Interactive, "8.3076", "55.2888", 3)] // 15.98 ÷ 7.99 = 2 exactly: at 2 they tie
    [InlineData(RecordingTier.TwoK, AudienceType.Interactive, "9.7776", "98.3388", 2)]
    [InlineData(RecordingTier.TwoKPlus, AudienceType.Interactive, "13.9776", "221.3388", 2)]
    [InlineData(RecordingTier.Audio, AudienceType.Broadcast, "6.6276", "3.6888", null)]
    [InlineData(RecordingTier.Hd, AudienceType.Broadcast, "7.2576", "12.5388", 12)]
    [InlineData(RecordingTier.FullHd, AudienceType.Broadcast, "8.3076", "28.8888", 5)]
    [InlineData(RecordingTier.TwoK, AudienceType.Broadcast, "9.7776", "50.3388", 4)]
    [InlineData(RecordingTier.TwoKPlus, AudienceType.Broadcast, "13.9776", "113.3388", 3)]
    public void Every_tier_and_audience_type(RecordingTier tier, AudienceType audience, string hybrid, string agoraOnly, int? breakEven)
    {
        var estimate = Model.Estimate(100, 60m, tier, audience);

        estimate.Hybrid.Total.Should().Be(decimal.Parse(hybrid, System.Globalization.CultureInfo.InvariantCulture));
        estimate.AgoraOnly.Total.Should().Be(decimal.Parse(agoraOnly, System.Globalization.CultureInfo.InvariantCulture));
        estimate.BreakEvenViewers.Should().Be(breakEven);
    }

    [Theory]
    [InlineData(RecordingTier.Hd, AudienceType.Interactive)]
    [InlineData(RecordingTier.FullHd, AudienceType.Interactive)]
    [InlineData(RecordingTier.TwoK, AudienceType.Interactive)]
    [InlineData(RecordingTier.TwoKPlus, AudienceType.Interactive)]
    [InlineData(RecordingTier.Hd, AudienceType.Broadcast)]
    [InlineData(RecordingTier.FullHd, AudienceType.Broadcast)]
    [InlineData(RecordingTier.TwoK, AudienceType.Broadcast)]
    [InlineData(RecordingTier.TwoKPlus, AudienceType.Broadcast)]
    public void Break_even_is_the_smallest_audience_at_which_hybrid_is_cheaper(RecordingTier tier, AudienceType audience)
    {
        var n = Model.BreakEvenViewers(tier, audience)!.Value;

        foreach (var minutes in new[] { 0.75m, 60m, 600m })
        {
            var at = Model.Estimate(n, minutes, tier, audience);
            at.Hybrid.Total.Should().BeLessThan(at.AgoraOnly.Total);
            var below = Model.Estimate(n - 1, minutes, tier, audience);
            below.Hybrid.Total.Should().BeGreaterThanOrEqualTo(below.AgoraOnly.Total);
        }
    }

    [Fact]
    public void At_10000_HD_viewers()
    {
        // Hybrid 1.2576 + 600,000 × 1 ÷ 1000 = 601.2576; agora-only 0.5988 + 600,000 × 3.99 ÷ 1000 = 2394.5988.
        var estimate = Model.Estimate(10_000, 60m, RecordingTier.Hd);

        estimate.Hybrid.Total.Should().Be(601.2576m);
        estimate.AgoraOnly.Total.Should().Be(2394.5988m);
        estimate.Savings!.Value.Should().BeApproximately(0.7489m, 0.0001m);
    }

    [Fact]
    public void Against_a_broadcast_audience_hybrid_saves_less()
    {
        // Agora-only: 0.5988 + 60,000 × 1.99 ÷ 1000 = 119.9988; break-even ⌊10.98 ÷ 0.99⌋ + 1 = 12.
        var estimate = Model.Estimate(1000, 60m, RecordingTier.Hd, AudienceType.Broadcast);

        estimate.Hybrid.Total.Should().Be(61.2576m);
        estimate.AgoraOnly.Total.Should().Be(119.9988m);
        estimate.BreakEvenViewers.Should().Be(12);
    }

    [Fact]
    public void Against_an_audio_audience_hybrid_never_saves()
    {
        // Delivery (1.00) costs more per minute than an audio audience (0.99 interactive, 0.59 broadcast).
        // Hybrid: 0.06 × (0.99 + 1.49 + 0.99 + 1.99 + 5) + 60 = 60.6276; agora-only 0.06 × 2.48 + 59.4 = 59.5488.
        var estimate = Model.Estimate(1000, 60m, RecordingTier.Audio);

        estimate.Hybrid.Total.Should().Be(60.6276m);
        estimate.AgoraOnly.Total.Should().Be(59.5488m);
        estimate.Savings.Should().BeNegative();
        estimate.BreakEvenViewers.Should().BeNull();
        Model.BreakEvenViewers(RecordingTier.Audio, AudienceType.Broadcast).Should().BeNull();
    }

    [Fact]
    public void A_fallback_session_is_priced_agora_only_with_a_hybrid_counterfactual_over_the_seller_minutes()
    {
        // Ran agora-only: seller 30 min, recording 29.5 min, no relay, 1,200 Agora viewer-minutes (HD).
        var usage = new SessionUsage(30m, 29.5m, 0m, 0m, 1200m, RecordingTier.Hd);

        var cost = Model.Session(usage, StreamMode.AgoraOnly);

        // Actual: host 30 × 3.99 ÷ 1000 = 0.1197; recording 29.5 × 5.99 ÷ 1000 = 0.176705;
        // audience 1200 × 3.99 ÷ 1000 = 4.788 → 5.084405.
        cost.ActualMode.Should().Be(StreamMode.AgoraOnly);
        cost.Actual.Total.Should().Be(5.084405m);
        cost.Comparison.AgoraOnly.Should().BeSameAs(cost.Actual);
        // Counterfactual hybrid: relay = storage = 30 seller minutes; all 1,200 viewer-minutes delivered.
        // 0.1197 + 0.176705 + push 0.1197 + transcoding 0.0597 + storage 0.15 + delivery 1.2 = 1.825805.
        cost.Counterfactual.Total.Should().Be(1.825805m);
        cost.Counterfactual.Items.Should().ContainSingle(i => i.Name == "storage").Which.Quantity.Should().Be(30m);
        cost.Counterfactual.Items.Should().ContainSingle(i => i.Name == "delivery").Which.Quantity.Should().Be(1200m);
        cost.Counterfactual.Items.Should().ContainSingle(i => i.Name == "audience").Which.Amount.Should().Be(0m);
        cost.Comparison.Savings.Should().Be(1m - (1.825805m / 5.084405m));
    }

    [Fact]
    public void A_mixed_hybrid_session_pays_Agora_for_its_Agora_viewers_and_the_counterfactual_serves_everyone_from_Agora()
    {
        // Seller 60, recording 60, relay 58, 900 HLS and 100 Agora viewer-minutes (HD).
        var usage = new SessionUsage(60m, 60m, 58m, 900m, 100m, RecordingTier.Hd);

        var cost = Model.Session(usage, StreamMode.Hybrid);

        // Hybrid: 0.2394 + 0.3594 + 58 × 3.99 ÷ 1000 (0.23142) + 58 × 1.99 ÷ 1000 (0.11542)
        // + 58 × 5 ÷ 1000 (0.29) + 0.9 + 100 × 3.99 ÷ 1000 (0.399) = 2.53464.
        cost.Actual.Total.Should().Be(2.53464m);
        // Agora-only: 0.2394 + 0.3594 + 1,000 × 3.99 ÷ 1000 = 4.5888.
        cost.Counterfactual.Total.Should().Be(4.5888m);
        cost.Comparison.Hybrid.Should().BeSameAs(cost.Actual);
    }

    [Fact]
    public void Savings_are_null_when_agora_only_costs_nothing()
    {
        CostModel.Savings(1m, 0m).Should().BeNull();
        Model.Estimate(0, 0m, RecordingTier.Hd).Savings.Should().BeNull();
    }
}
