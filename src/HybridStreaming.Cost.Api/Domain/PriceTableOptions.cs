using HybridStreaming.Contracts;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>
/// One list price: USD per 1,000 minutes, where it comes from and when it was taken. Nullable so a
/// configuration that blanks a value (<c>Prices__Agora__Host__Hd__UsdPer1000Minutes=</c>) is reported
/// as missing instead of silently becoming 0.
/// </summary>
public sealed class PriceEntry
{
    public decimal? UsdPer1000Minutes { get; set; }

    public string? Source { get; set; }

    public DateOnly? TakenOn { get; set; }

    public static PriceEntry Of(decimal usdPer1000Minutes, string source, DateOnly takenOn) =>
        new() { UsdPer1000Minutes = usdPer1000Minutes, Source = source, TakenOn = takenOn };
}

/// <summary>One price per <see cref="RecordingTier"/>; the property names are the enum's member names.</summary>
public sealed class TierPrices
{
    public PriceEntry Audio { get; set; } = new();

    public PriceEntry Hd { get; set; } = new();

    public PriceEntry FullHd { get; set; } = new();

    public PriceEntry TwoK { get; set; } = new();

    public PriceEntry TwoKPlus { get; set; } = new();

    public PriceEntry For(RecordingTier tier) => tier switch
    {
        RecordingTier.Audio => Audio,
        RecordingTier.Hd => Hd,
        RecordingTier.FullHd => FullHd,
        RecordingTier.TwoK => TwoK,
        RecordingTier.TwoKPlus => TwoKPlus,
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown recording tier."),
    };

    public static TierPrices Of(string source, DateOnly takenOn, decimal audio, decimal hd, decimal fullHd, decimal twoK, decimal twoKPlus) => new()
    {
        Audio = PriceEntry.Of(audio, source, takenOn),
        Hd = PriceEntry.Of(hd, source, takenOn),
        FullHd = PriceEntry.Of(fullHd, source, takenOn),
        TwoK = PriceEntry.Of(twoK, source, takenOn),
        TwoKPlus = PriceEntry.Of(twoKPlus, source, takenOn),
    };
}

public sealed class AgoraPrices
{
    public const string RtcSource = "Agora Video SDK pricing (shared/video-sdk/reference/_pricing.mdx)";
    public const string RecordingSource = "Agora Cloud Recording pricing (cloud-recording/overview/pricing.md)";
    public const string MediaPushSource = "Agora Media Push pricing (shared/media-push/reference/_pricing.mdx)";
    private static readonly DateOnly RtcTakenOn = new(2026, 6, 30);

    /// <summary>The host (publisher) of an RTC channel.</summary>
    public TierPrices Host { get; set; } = TierPrices.Of(RtcSource, RtcTakenOn, 0.99m, 3.99m, 8.99m, 15.99m, 35.99m);

    /// <summary>An interactive-live audience member; also what Media Push's subscription is billed as.</summary>
    public TierPrices InteractiveAudience { get; set; } = TierPrices.Of(RtcSource, RtcTakenOn, 0.99m, 3.99m, 8.99m, 15.99m, 35.99m);

    public TierPrices BroadcastAudience { get; set; } = TierPrices.Of(RtcSource, RtcTakenOn, 0.59m, 1.99m, 4.59m, 7.99m, 17.99m);

    public TierPrices CloudRecording { get; set; } = TierPrices.Of(RecordingSource, new DateOnly(2025, 2, 14), 1.49m, 5.99m, 13.49m, 23.99m, 53.99m);

    /// <summary>
    /// Media Push transcoding, single host with unchanged resolution, frame rate and bitrate (H.264).
    /// Agora does not state the fee for raw (<c>rawOptions</c>) converters, which the relay uses; this
    /// price is an assumption for them (agora.md §6).
    /// </summary>
    public PriceEntry MediaPushTranscoding { get; set; } = PriceEntry.Of(1.99m, MediaPushSource, new DateOnly(2025, 8, 9));
}

public sealed class CloudflarePrices
{
    public const string Source = "Cloudflare Stream pricing (developers.cloudflare.com/stream/pricing)";

    // cloudflare-stream.md §7 gives no date for the pricing page; 2023-06-19 is the dated statement of
    // the same $5/$1 figures it cites (the LL-HLS blog post).
    private static readonly DateOnly TakenOn = new(2023, 6, 19);

    /// <summary>Per 1,000 minutes stored, per month.</summary>
    public PriceEntry Storage { get; set; } = PriceEntry.Of(5.00m, Source, TakenOn);

    /// <summary>Per 1,000 minutes delivered.</summary>
    public PriceEntry Delivery { get; set; } = PriceEntry.Of(1.00m, Source, TakenOn);
}

/// <summary>
/// The configuration section <c>Prices</c>: the list prices by default, each entry overridable for a
/// negotiated contract, e.g. <c>Prices__Agora__Host__Hd__UsdPer1000Minutes=3.50</c>. Validated at
/// start-up by <see cref="PriceTableValidator"/>; the model reads the resolved <see cref="PriceTable"/>.
/// </summary>
public sealed class PriceTableOptions
{
    public const string Section = "Prices";

    public AgoraPrices Agora { get; set; } = new();

    public CloudflarePrices Cloudflare { get; set; } = new();

    /// <summary>How many months a relay's recording stays stored (storage is billed per month).</summary>
    public int? StorageRetentionMonths { get; set; } = 1;
}
