using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Contracts;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record GetPlayback(Guid ChannelId) : IQuery<Result<PlaybackResponse>>;

/// <summary>How a buyer watches: the HLS URL (hybrid), or what an Agora audience client needs (agora-only).</summary>
public sealed record PlaybackResponse(Guid SessionId, StreamMode Mode, string? HlsUrl, string? AppId, string? ChannelName);

public sealed class GetPlaybackHandler(ChannelsDbContext db, PlaybackCache cache, IAgoraRtc agora) : IQueryHandler<GetPlayback, Result<PlaybackResponse>>
{
    public async ValueTask<Result<PlaybackResponse>> Handle(GetPlayback query, CancellationToken cancellationToken)
    {
        var snapshot = await cache.GetAsync(db, query.ChannelId, cancellationToken);
        if (!snapshot.ChannelExists)
        {
            return Error.NotFound("Channel", query.ChannelId);
        }

        if (snapshot.State != SessionState.Live || snapshot.SessionId is not { } sessionId)
        {
            return Error.Conflict(
                "The stream is not live.",
                snapshot.State is { } state ? $"The session is {Words.Of(state)}." : "The channel has no active session.");
        }

        return snapshot.Mode == StreamMode.Hybrid
            ? new PlaybackResponse(sessionId, StreamMode.Hybrid, snapshot.HlsUrl, null, null)
            : new PlaybackResponse(sessionId, StreamMode.AgoraOnly, null, agora.AppId, snapshot.AgoraChannelName);
    }
}
