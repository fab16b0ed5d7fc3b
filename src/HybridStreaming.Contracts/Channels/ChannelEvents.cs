namespace HybridStreaming.Contracts.Channels;

/// <summary>A session was created; the workers start their side. Always published, carrying the mode.</summary>
public sealed record StreamStartRequested(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string AgoraChannelName,
    uint SellerRtcUid,
    StreamMode Mode) : IIntegrationEvent;

/// <summary>The session reached Live, in the mode it ended up with.</summary>
public sealed record StreamWentLive(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    StreamMode Mode,
    string? HlsPlaybackUrl) : IIntegrationEvent;

/// <summary>The session is stopping; the workers tear down whatever they started.</summary>
/// <param name="Reason">seller, grace-expired, admin, …</param>
public sealed record StreamStopRequested(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string Reason) : IIntegrationEvent;

/// <summary>Viewer usage of a finished session, for the cost ledger.</summary>
public sealed record ViewerUsageReported(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    decimal ViewerMinutes,
    int PeakViewers) : IIntegrationEvent;

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
