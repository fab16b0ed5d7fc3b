namespace HybridStreaming.Contracts.Relay;

/// <summary>The live input reported connected: media is arriving and the HLS URL serves segments.</summary>
public sealed record RelayStarted(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string LiveInputUid,
    string HlsPlaybackUrl) : IIntegrationEvent;

/// <summary>The CDN path could not be set up; the session falls back to Agora-only.</summary>
public sealed record RelayFailed(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string Reason) : IIntegrationEvent;

/// <summary>The RTMP forwarding and the live input were torn down.</summary>
public sealed record RelayStopped(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    decimal Minutes) : IIntegrationEvent;
