using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Contracts;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record GetPlayback(Guid ChannelId) : IQuery<Result<PlaybackResponse>>;

/// <summary>How a buyer watches: the HLS URL (hybrid), or what an Agora audience client needs (agora-only).</summary>
public sealed record PlaybackResponse(Guid SessionId, StreamMode Mode, string? HlsUrl, string? AppId, string? ChannelName);

public sealed class GetPlaybackHandler(ChannelsDbContext db, PlaybackCache cache, IAgoraRtc agora) : IQueryHandler<GetPlayback, Result<PlaybackResponse>>
{
    public async ValueTask<Result<PlaybackResponse>> Handle(GetPlayback query, CancellationToken cancellationToken)
    {
        var snapshot = await cache.GetAsync(query.ChannelId, ct => LoadAsync(query.ChannelId, ct), cancellationToken);
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

    private async ValueTask<PlaybackSnapshot> LoadAsync(Guid channelId, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
        if (channel is null)
        {
            return new PlaybackSnapshot(false, null, null, null, null, Channel.AgoraChannelNameOf(channelId));
        }

        var session = await db.Sessions.AsNoTracking()
            .Where(s => s.ChannelId == channelId && (s.State == SessionState.Starting || s.State == SessionState.Live || s.State == SessionState.Stopping))
            .FirstOrDefaultAsync(cancellationToken);
        return new PlaybackSnapshot(true, session?.Id, session?.State, session?.Mode, session?.HlsPlaybackUrl, channel.AgoraChannelName);
    }
}
