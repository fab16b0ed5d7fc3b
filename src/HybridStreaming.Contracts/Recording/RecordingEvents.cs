namespace HybridStreaming.Contracts.Recording;

/// <summary>Agora Cloud Recording is recording the session's channel.</summary>
public sealed record RecordingStarted(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string ResourceId,
    string Sid) : IIntegrationEvent;

/// <summary>Recording could not start; never blocks going live.</summary>
public sealed record RecordingFailed(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string Reason) : IIntegrationEvent;

/// <summary>Recording stopped; what it recorded and for how long.</summary>
public sealed record RecordingStopped(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    decimal Minutes,
    RecordingFile[] Files,
    RecordingTier Tier) : IIntegrationEvent;
