using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Viewers;

public sealed record GetViewers(Guid ChannelId) : IQuery<Result<ViewersResponse>>;

/// <summary>
/// The channel's audience: of the active session (live from Redis), else of the last one (as reported
/// when it ended). <paramref name="Complete"/> is false when presence could not be counted for part of
/// the session, or cannot be read right now.
/// </summary>
public sealed record ViewersResponse(
    Guid? SessionId,
    int Current,
    int Peak,
    int UniqueViewers,
    decimal ViewerMinutes,
    decimal HlsViewerMinutes,
    decimal AgoraViewerMinutes,
    bool Complete);

public sealed class GetViewersHandler(ChannelsDbContext db, PlaybackCache cache, SessionStore sessions, ViewerPresence presence)
    : IQueryHandler<GetViewers, Result<ViewersResponse>>
{
    public async ValueTask<Result<ViewersResponse>> Handle(GetViewers query, CancellationToken cancellationToken)
    {
        var snapshot = await cache.GetAsync(db, query.ChannelId, cancellationToken);
        if (!snapshot.ChannelExists)
        {
            return Error.NotFound("Channel", query.ChannelId);
        }

        if (snapshot.SessionId is { } active)
        {
            return await presence.TotalsAsync(active) is { } totals
                ? new ViewersResponse(active, totals.Current, totals.Peak, totals.UniqueViewers, totals.HlsMinutes + totals.AgoraMinutes, totals.HlsMinutes, totals.AgoraMinutes, true)
                : new ViewersResponse(active, 0, 0, 0, 0, 0, 0, false);
        }

        return await sessions.FindLatestAsync(query.ChannelId, cancellationToken) is { } latest
            ? Reported(latest)
            : new ViewersResponse(null, 0, 0, 0, 0, 0, 0, true);
    }

    /// <summary>An ended session: what was reported when it ended.</summary>
    public static ViewersResponse Reported(StreamSession session)
    {
        var hls = session.HlsViewerMinutes ?? 0;
        var agora = session.AgoraViewerMinutes ?? 0;
        return new ViewersResponse(session.Id, 0, session.PeakViewers ?? 0, session.UniqueViewers ?? 0, hls + agora, hls, agora, session.ViewerUsageComplete ?? false);
    }
}
