namespace HybridStreaming.Contracts.Channels;

/// <summary>A session was created; the workers start their side. Always published, carrying the mode.</summary>
/// <param name="Mode">The mode requested by the rollout policy (the session may still fall back).</param>
/// <param name="SellerId">The channel owner's user id, so the session's costs can be shown to the seller who owns them.</param>
public sealed record StreamStartRequested(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string AgoraChannelName,
    uint SellerRtcUid,
    StreamMode Mode,
    string SellerId) : IIntegrationEvent;

/// <summary>The session reached Live, in the mode it ended up with.</summary>
public sealed record StreamWentLive(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    StreamMode Mode,
    string? HlsPlaybackUrl) : IIntegrationEvent;

/// <summary>
/// A session's buyers moved to the other path while it ran: to agora-only when the CDN path failed, back to
/// hybrid when its relay came up after all. <paramref name="Switches"/> counts the session's switches so far.
/// </summary>
/// <param name="HlsPlaybackUrl">Where buyers play from now: the relay's HLS URL for hybrid, null for agora-only.</param>
/// <param name="Reason">Why, in words an operator can act on.</param>
public sealed record StreamModeChanged(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    StreamMode Mode,
    string? HlsPlaybackUrl,
    string Reason,
    int Switches) : IIntegrationEvent;

/// <summary>The session is stopping; the workers tear down whatever they started.</summary>
/// <param name="Reason">seller, grace-expired, admin, …</param>
public sealed record StreamStopRequested(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string Reason) : IIntegrationEvent;

/// <summary>
/// Viewer usage of a finished session, for the cost ledger: exactly one per session, in the same commit
/// as its <see cref="StreamEnded"/>, zeros when nobody watched. Minutes are exact (seconds ÷ 60), counted
/// from the session going live to the stop request.
/// </summary>
/// <param name="ViewerMinutes">All viewer-minutes: <paramref name="HlsViewerMinutes"/> + <paramref name="AgoraViewerMinutes"/>.</param>
/// <param name="PeakViewers">The most viewers present at once.</param>
/// <param name="HlsViewerMinutes">Minutes watched over HLS from the CDN (priced at delivery).</param>
/// <param name="AgoraViewerMinutes">Minutes watched as an Agora audience (priced at Agora's audience rate).</param>
/// <param name="UniqueViewers">Distinct viewers (account users and guests' kept viewer ids).</param>
/// <param name="Complete">False when presence could not be counted for part of the session (Redis down): the figures are a lower bound.</param>
public sealed record ViewerUsageReported(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    decimal ViewerMinutes,
    int PeakViewers,
    decimal HlsViewerMinutes,
    decimal AgoraViewerMinutes,
    int UniqueViewers,
    bool Complete) : IIntegrationEvent;

/// <summary>The session ended.</summary>
public sealed record StreamEnded(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    StreamMode Mode,
    long LiveSeconds,
    string Reason) : IIntegrationEvent;

/// <summary>The seller left the Agora channel (from a verified NCS webhook); a grace period starts.</summary>
public sealed record SellerLeftChannel(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string AgoraChannelName,
    uint Uid,
    string Reason) : IIntegrationEvent;

/// <summary>The seller came back into the Agora channel within the grace period.</summary>
public sealed record SellerRejoinedChannel(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string AgoraChannelName,
    uint Uid) : IIntegrationEvent;

/// <summary>Cloudflare reported the live input disconnected or errored.</summary>
public sealed record RelayInputDisconnected(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string LiveInputUid,
    string Status) : IIntegrationEvent;
