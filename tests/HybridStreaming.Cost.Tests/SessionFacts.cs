using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Contracts.Relay;
using HybridStreaming.Cost.Api.Domain;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// One session's facts as the services publish them — the Channel API's start, end and viewer usage,
/// the recording worker's stop and (when a relay ran) the relay worker's — and how the Cost API's
/// consumers hand each to the ledger.
/// </summary>
public sealed record SessionFacts(
    Guid SessionId,
    Guid ChannelId,
    string SellerId,
    StreamMode RequestedMode,
    StreamMode EndedMode,
    long LiveSeconds,
    decimal RecordingMinutes,
    decimal? RelayMinutes,
    decimal HlsViewerMinutes,
    decimal AgoraViewerMinutes,
    RecordingTier Tier,
    DateTimeOffset EndedAt)
{
    public static readonly DateTimeOffset DefaultEnd = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The worked HD hybrid session: 61 live seconds, recording 1.0 min, relay 0.9 min, 12.5 HLS
    /// viewer-minutes, none over Agora. Priced in <see cref="HdHybridPrices"/>.
    /// </summary>
    public static SessionFacts HdHybrid(string sellerId = "seller-a", Guid? channelId = null, DateTimeOffset? endedAt = null) => new(
        Guid.NewGuid(), channelId ?? Guid.NewGuid(), sellerId, StreamMode.Hybrid, StreamMode.Hybrid,
        LiveSeconds: 61, RecordingMinutes: 1.0m, RelayMinutes: 0.9m, HlsViewerMinutes: 12.5m, AgoraViewerMinutes: 0m,
        RecordingTier.Hd, endedAt ?? DefaultEnd);

    /// <summary>
    /// An agora-only HD session, requested so: 120 live seconds, recording 2.0 min, no relay, 40 viewer-minutes
    /// over Agora.
    /// </summary>
    public static SessionFacts HdAgoraOnly(string sellerId = "seller-a", Guid? channelId = null, DateTimeOffset? endedAt = null) => new(
        Guid.NewGuid(), channelId ?? Guid.NewGuid(), sellerId, StreamMode.AgoraOnly, StreamMode.AgoraOnly,
        LiveSeconds: 120, RecordingMinutes: 2.0m, RelayMinutes: null, HlsViewerMinutes: 0m, AgoraViewerMinutes: 40m,
        RecordingTier.Hd, endedAt ?? DefaultEnd);

    public StreamStartRequested Start =>
        new(SessionId, ChannelId, EndedAt.AddSeconds(-LiveSeconds - 5), $"ch-{SessionId:N}"[..20], 1001, RequestedMode, SellerId);

    public StreamEnded Ended => new(SessionId, ChannelId, EndedAt, EndedMode, LiveSeconds, "seller");

    public ViewerUsageReported Viewers =>
        new(SessionId, ChannelId, EndedAt, HlsViewerMinutes + AgoraViewerMinutes, 5, HlsViewerMinutes, AgoraViewerMinutes, 7, true);

    public RecordingStopped Recording => new(SessionId, ChannelId, EndedAt.AddSeconds(2), RecordingMinutes, [], Tier);

    public RelayStopped Relay =>
        new(SessionId, ChannelId, EndedAt.AddSeconds(1), RelayMinutes ?? throw new InvalidOperationException("No relay ran in this session."));

    /// <summary>Every fact of the session in the order the services usually publish them (the relay's only when one ran).</summary>
    public IReadOnlyList<object> Events =>
        RelayMinutes is null ? [Start, Ended, Viewers, Recording] : [Start, Ended, Viewers, Relay, Recording];

    /// <summary>What the consumer of <paramref name="message"/> does with the ledger (Consumers/LedgerConsumers.cs).</summary>
    public static (string Fact, Func<SessionLedger, DateTimeOffset, bool> Take) TakeOf(object message, TimeSpan deadline) => message switch
    {
        StreamStartRequested m => (LedgerFacts.StreamStartRequested, (ledger, _) => ledger.StartRequested(m.SellerId, m.Mode, m.OccurredAt)),
        StreamEnded m => (LedgerFacts.StreamEnded, (ledger, now) => ledger.Ended(m.Mode, m.LiveSeconds, m.OccurredAt, now, deadline)),
        ViewerUsageReported m => (LedgerFacts.ViewerUsageReported, (ledger, _) =>
            ledger.ViewerUsage(m.ViewerMinutes, m.HlsViewerMinutes, m.AgoraViewerMinutes, m.PeakViewers, m.UniqueViewers, m.Complete)),
        RecordingStopped m => (LedgerFacts.RecordingStopped, (ledger, _) => ledger.RecordingStoppedAfter(m.Minutes, m.Tier)),
        RelayStopped m => (LedgerFacts.RelayStopped, (ledger, _) => ledger.RelayStoppedAfter(m.Minutes)),
        _ => throw new ArgumentException($"{message.GetType().Name} is not a fact of the ledger.", nameof(message)),
    };
}

/// <summary>
/// <see cref="SessionFacts.HdHybrid"/> priced by hand at the default list prices (docs/costs.md; HD:
/// host 3.99, Cloud Recording 5.99, interactive audience 3.99, transcoding 1.99, storage 5 × 1 month,
/// delivery 1; USD per 1,000 minutes).
/// </summary>
public static class HdHybridPrices
{
    // Actual (hybrid): host 61 s = 61/60 min × 3.99 ÷ 1000 = 243.39 ÷ 60,000 = 0.0040565;
    // recording 1.0 × 5.99 ÷ 1000 = 0.00599; media-push 0.9 × 3.99 ÷ 1000 = 0.003591;
    // transcoding 0.9 × 1.99 ÷ 1000 = 0.001791; storage 0.9 × 5 ÷ 1000 = 0.0045;
    // delivery 12.5 × 1 ÷ 1000 = 0.0125. No Agora viewers: no audience line.
    public const decimal Host = 0.0040565m;
    public const decimal Recording = 0.00599m;
    public const decimal MediaPush = 0.003591m;
    public const decimal Transcoding = 0.001791m;
    public const decimal Storage = 0.0045m;
    public const decimal Delivery = 0.0125m;

    /// <summary>0.0040565 + 0.00599 + 0.003591 + 0.001791 + 0.0045 + 0.0125.</summary>
    public const decimal Actual = 0.0324285m;

    /// <summary>Every viewer-minute over Agora: 12.5 × 3.99 ÷ 1000.</summary>
    public const decimal Audience = 0.049875m;

    /// <summary>Counterfactual (agora-only): 0.0040565 + 0.00599 + 0.049875.</summary>
    public const decimal AgoraOnly = 0.0599215m;

    /// <summary>6 actual lines + 3 counterfactual.</summary>
    public const int Lines = 9;
}

/// <summary><see cref="SessionFacts.HdAgoraOnly"/> priced by hand (HD list prices as above).</summary>
public static class HdAgoraOnlyPrices
{
    // Actual (agora-only): host 2 × 3.99 ÷ 1000 = 0.00798; recording 2 × 5.99 ÷ 1000 = 0.01198;
    // audience 40 × 3.99 ÷ 1000 = 0.1596. Total 0.17956.
    public const decimal Actual = 0.17956m;

    // Counterfactual (hybrid relaying the seller's 2 min, 40 viewer-minutes over the CDN): 0.00798 + 0.01198
    // + media-push 2 × 3.99 ÷ 1000 = 0.00798 + transcoding 2 × 1.99 ÷ 1000 = 0.00398 + storage 2 × 5 ÷ 1000
    // = 0.01 + delivery 40 × 1 ÷ 1000 = 0.04 (+ audience 0). Total 0.08192.
    public const decimal Hybrid = 0.08192m;

    /// <summary>3 actual lines + 7 counterfactual (the hybrid formula lists every item).</summary>
    public const int Lines = 10;
}
