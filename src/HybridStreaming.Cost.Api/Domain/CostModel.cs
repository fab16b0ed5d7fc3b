using HybridStreaming.Contracts;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>
/// Measured usage of one session. Minutes are exact seconds ÷ 60, never rounded. <see cref="Tier"/> is the
/// session's recording tier R; <see cref="Audience"/> is the audience type A priced for Agora viewers.
/// </summary>
public sealed record SessionUsage(
    decimal SellerMinutes,
    decimal RecordingMinutes,
    decimal RelayMinutes,
    decimal HlsViewerMinutes,
    decimal AgoraViewerMinutes,
    RecordingTier Tier,
    AudienceType Audience = AudienceType.Interactive)
{
    public decimal AllViewerMinutes => HlsViewerMinutes + AgoraViewerMinutes;
}

/// <summary>The items the model prices, by the names the ledger and the API use.</summary>
public static class CostItems
{
    public const string Host = "host";
    public const string Recording = "recording";
    public const string MediaPush = "media-push";
    public const string MediaPushTranscoding = "media-push-transcoding";
    public const string Storage = "storage";
    public const string Delivery = "delivery";
    public const string Audience = "audience";

    private static readonly string[] Order = [Host, Recording, MediaPush, MediaPushTranscoding, Storage, Delivery, Audience];

    /// <summary>Where an item comes in the model's list (for sorting ledger lines).</summary>
    public static int PositionOf(string item) => Array.IndexOf(Order, item);
}

/// <summary>One line: <see cref="Quantity"/> minutes at <see cref="UnitPricePer1000"/> USD per 1,000 minutes.</summary>
public sealed record CostItem(string Name, string Provider, decimal Quantity, decimal UnitPricePer1000, decimal Amount);

/// <summary>What one mode costs: the unrounded USD total and its items.</summary>
public sealed record CostBreakdown(decimal Total, IReadOnlyList<CostItem> Items);

/// <summary>
/// Both modes for the same minutes. <see cref="Savings"/> is 1 − hybrid ÷ agora-only as a fraction (signed:
/// negative when hybrid costs more; null when agora-only costs 0). <see cref="BreakEvenViewers"/> is the
/// smallest audience, watching the whole time, at which hybrid is cheaper; null when it never is.
/// </summary>
public sealed record CostComparison(CostBreakdown Hybrid, CostBreakdown AgoraOnly, decimal? Savings, int? BreakEvenViewers)
{
    public decimal? SavingsPercent => Savings * 100m;
}

/// <summary>A session's cost in the mode it ran (<see cref="Actual"/>) and in the other mode (<see cref="Counterfactual"/>).</summary>
public sealed record SessionCost(StreamMode ActualMode, CostBreakdown Actual, CostBreakdown Counterfactual, CostComparison Comparison);

/// <summary>
/// The cost model of docs/costs.md: pure functions of usage and the <see cref="PriceTable"/>. Amounts are
/// quantity × price ÷ 1,000 in decimal USD, unrounded.
/// </summary>
public sealed class CostModel(PriceTable prices)
{
    public const string Agora = "agora";
    public const string Cloudflare = "cloudflare";

    public PriceTable Prices { get; } = prices;

    /// <summary>Hybrid: host, recording, Media Push (audience + transcoding), storage, CDN delivery and any Agora viewers.</summary>
    public CostBreakdown Hybrid(SessionUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var tier = usage.Tier;
        return Breakdown(
            [.. Seller(usage),
            // Media Push subscribes to the channel like an interactive audience member, plus transcoding.
            Item(CostItems.MediaPush, Agora, usage.RelayMinutes, Prices.Audience(AudienceType.Interactive, tier)),
            Item(CostItems.MediaPushTranscoding, Agora, usage.RelayMinutes, Prices.MediaPushTranscoding),
            // The live input's recording, stored for the retention period (billed per month).
            Item(CostItems.Storage, Cloudflare, usage.RelayMinutes, Prices.Storage * Prices.StorageRetentionMonths),
            Item(CostItems.Delivery, Cloudflare, usage.HlsViewerMinutes, Prices.Delivery),
            // Viewers of a mixed session who watched over Agora (0 for a pure hybrid session).
            Item(CostItems.Audience, Agora, usage.AgoraViewerMinutes, Prices.Audience(usage.Audience, tier))]);
    }

    /// <summary>Agora-only: host, recording and every viewer-minute as Agora audience.</summary>
    public CostBreakdown AgoraOnly(SessionUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Breakdown([.. Seller(usage), Item(CostItems.Audience, Agora, usage.AllViewerMinutes, Prices.Audience(usage.Audience, usage.Tier))]);
    }

    /// <summary>What the seller's side costs in either mode: hosting the channel and recording it.</summary>
    private CostItem[] Seller(SessionUsage usage) =>
    [
        Item(CostItems.Host, Agora, usage.SellerMinutes, Prices.Host(usage.Tier)),
        Item(CostItems.Recording, Agora, usage.RecordingMinutes, Prices.CloudRecording(usage.Tier)),
    ];

    /// <summary>
    /// A session's actual cost and the other mode's for the same minutes. The actual cost prices what ran:
    /// host and recording, Media Push and storage for the relay's minutes, HLS viewer-minutes at delivery
    /// and Agora viewer-minutes at audience(A, R) — so a session that fell back after its relay ran, or ran
    /// partly over each path, pays for both. The counterfactual of a hybrid session serves every
    /// viewer-minute from Agora; that of an agora-only session relays and stores the seller's minutes and
    /// delivers every viewer-minute over the CDN.
    /// </summary>
    public SessionCost Session(SessionUsage usage, StreamMode actualMode)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var actual = Measured(usage, actualMode);
        CostBreakdown hybrid, agoraOnly;
        if (actualMode == StreamMode.AgoraOnly)
        {
            agoraOnly = actual;
            hybrid = Hybrid(usage with
            {
                RelayMinutes = usage.SellerMinutes,
                HlsViewerMinutes = usage.AllViewerMinutes,
                AgoraViewerMinutes = 0m,
            });
        }
        else
        {
            hybrid = actual;
            agoraOnly = AgoraOnly(usage);
        }

        var comparison = Compare(hybrid, agoraOnly, usage.Tier, usage.Audience);
        return actualMode == StreamMode.AgoraOnly
            ? new SessionCost(actualMode, agoraOnly, hybrid, comparison)
            : new SessionCost(actualMode, hybrid, agoraOnly, comparison);
    }

    /// <summary>
    /// What ran, priced: the hybrid formula over the measured minutes (which is the agora-only formula
    /// when no relay ran and nobody watched over HLS), listing the mode's own items and any other item
    /// that has minutes.
    /// </summary>
    private CostBreakdown Measured(SessionUsage usage, StreamMode mode)
    {
        string[] own = mode == StreamMode.AgoraOnly
            ? [CostItems.Host, CostItems.Recording, CostItems.Audience]
            : [CostItems.Host, CostItems.Recording, CostItems.MediaPush, CostItems.MediaPushTranscoding, CostItems.Storage, CostItems.Delivery];
        var items = Hybrid(usage).Items.Where(item => item.Quantity != 0m || own.Contains(item.Name, StringComparer.Ordinal)).ToArray();
        return Breakdown(items);
    }

    /// <summary>
    /// Both modes for <paramref name="viewers"/> who watch the whole <paramref name="minutes"/>: the seller
    /// streams, the recording runs and the relay pushes for all of them.
    /// </summary>
    public CostComparison Estimate(long viewers, decimal minutes, RecordingTier tier, AudienceType audience = AudienceType.Interactive)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(viewers);
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        var usage = new SessionUsage(minutes, minutes, minutes, viewers * minutes, 0m, tier, audience);
        return Compare(Hybrid(usage), AgoraOnly(usage), tier, audience);
    }

    /// <summary>1 − hybrid ÷ agora-only, signed; null when agora-only costs nothing.</summary>
    public static decimal? Savings(decimal hybridTotal, decimal agoraOnlyTotal) =>
        agoraOnlyTotal == 0m ? null : 1m - (hybridTotal / agoraOnlyTotal);

    /// <summary>
    /// The smallest N ≥ 0 with hybrid(N) &lt; agora-only(N) when N viewers watch the whole duration. Per
    /// minute of a session of any length, host and recording are the same in both modes, so hybrid is
    /// cheaper exactly when F &lt; N × (audience(A,R) − delivery), with F = Media Push audience + transcoding
    /// + storage × retention. The duration cancels out: N = ⌊F ÷ d⌋ + 1, and null when d ≤ 0.
    /// </summary>
    public int? BreakEvenViewers(RecordingTier tier, AudienceType audience)
    {
        var fixedPer1000 = Prices.Audience(AudienceType.Interactive, tier) + Prices.MediaPushTranscoding
            + (Prices.Storage * Prices.StorageRetentionMonths);
        var perViewerSaving = Prices.Audience(audience, tier) - Prices.Delivery;
        if (perViewerSaving <= 0m)
        {
            return null;
        }

        var n = decimal.Floor(fixedPer1000 / perViewerSaving) + 1m;
        // Guard the one rounding of the division: step to the exact smallest N.
        while (n > 0m && fixedPer1000 < (n - 1m) * perViewerSaving)
        {
            n--;
        }

        while (fixedPer1000 >= n * perViewerSaving)
        {
            n++;
        }

        return n > int.MaxValue ? null : (int)n;
    }

    private CostComparison Compare(CostBreakdown hybrid, CostBreakdown agoraOnly, RecordingTier tier, AudienceType audience) =>
        new(hybrid, agoraOnly, Savings(hybrid.Total, agoraOnly.Total), BreakEvenViewers(tier, audience));

    private static CostItem Item(string name, string provider, decimal quantity, decimal unitPricePer1000) =>
        new(name, provider, quantity, unitPricePer1000, quantity * unitPricePer1000 / 1000m);

    private static CostBreakdown Breakdown(params CostItem[] items) => new(items.Sum(i => i.Amount), items);
}
