using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record SessionAccepted(Guid SessionId, string State);

/// <param name="Minutes">Usage the worker reported when it stopped.</param>
public sealed record ComponentStatus(string State, string? Detail, decimal? Minutes);

public sealed record ChannelStatus(
    Guid ChannelId,
    bool IsActive,
    Guid? SessionId,
    string? State,
    StreamMode? Mode,
    string? HlsPlaybackUrl,
    ComponentStatus? Recording,
    ComponentStatus? Relay,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LiveAt,
    DateTimeOffset? EndedAt,
    string? Reason,
    ViewerCounts? Viewers,
    IReadOnlyList<ModeChange>? ModeHistory)
{
    public static ChannelStatus None(Guid channelId) => new(channelId, false, null, null, null, null, null, null, null, null, null, null, new ViewerCounts(0, 0), null);

    /// <param name="viewers">Live counts of an active session; null for an ended one (its reported peak is used) or when they cannot be read.</param>
    public static ChannelStatus Of(StreamSession session, ViewerCounts? viewers) => new(
        session.ChannelId,
        session.IsActive,
        session.Id,
        Words.Of(session.State),
        session.Mode,
        session.HlsPlaybackUrl,
        new ComponentStatus(Words.Of(session.Recording), session.RecordingDetail, session.RecordingMinutes),
        new ComponentStatus(Words.Of(session.Relay), session.RelayDetail, session.RelayMinutes),
        session.StartedAt,
        session.LiveAt,
        session.EndedAt,
        session.Reason ?? (session.StopReason is { } stop && !session.IsActive ? $"stopped: {stop}" : null),
        session.IsActive ? viewers : new ViewerCounts(0, session.PeakViewers ?? 0),
        session.ModeHistory);
}

/// <summary>Enum values as the API spells them: lower-case, kebab-case (<c>NotUsed</c> → <c>not-used</c>).</summary>
public static class Words
{
    public static string Of<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
