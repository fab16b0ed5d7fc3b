using FluentValidation;
using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Contracts;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Viewers;

/// <param name="Path"><c>hls</c> or <c>agora</c>: how the player is playing; by default the session's mode.</param>
public sealed record Heartbeat(Guid ChannelId, string? Path) : ICommand<Result<HeartbeatResponse>>;

/// <summary>
/// The answer a playing buyer's player gets every beat: the session's state (so it learns "stopping" or
/// "ended" without another call), what to play, the live counts, and when to beat next.
/// </summary>
/// <param name="State"><c>starting</c>, <c>live</c>, <c>stopping</c>, or <c>ended</c> when the channel has no active session.</param>
/// <param name="Counted">Whether this beat was counted: only while the session is live, and while presence can be recorded.</param>
public sealed record HeartbeatResponse(
    Guid? SessionId,
    string State,
    StreamMode? Mode,
    string? HlsUrl,
    ViewerCounts? Viewers,
    bool Counted,
    int NextBeatSeconds);

public sealed class HeartbeatValidator : AbstractValidator<Heartbeat>
{
    public HeartbeatValidator() =>
        RuleFor(h => h.Path).Must(path => path is null || ViewerPaths.TryParse(path, out _))
            .WithMessage("path must be 'hls' or 'agora' (or left out: the session's mode decides).");
}

public static class ViewerPaths
{
    public static bool TryParse(string? value, out DeliveryPath path)
    {
        path = DeliveryPath.Hls;
        switch (value)
        {
            case "hls":
                return true;
            case "agora":
                path = DeliveryPath.Agora;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>
/// Counts the caller (an account user by their id, a guest by their kept viewer id) as watching the
/// channel's live session, in Redis only. A beat that cannot be recorded (Redis down) marks the session's
/// presence incomplete, once per session and process, so its reported usage says it is a lower bound.
/// </summary>
public sealed class HeartbeatHandler(
    ChannelsDbContext db,
    PlaybackCache cache,
    ViewerPresence presence,
    PresenceGaps gaps,
    ICurrentUser user,
    ChannelsOptions options) : ICommandHandler<Heartbeat, Result<HeartbeatResponse>>
{
    public async ValueTask<Result<HeartbeatResponse>> Handle(Heartbeat command, CancellationToken cancellationToken)
    {
        var snapshot = await cache.GetAsync(db, command.ChannelId, cancellationToken);
        if (!snapshot.ChannelExists)
        {
            return Error.NotFound("Channel", command.ChannelId);
        }

        var nextBeat = (int)options.ViewerHeartbeat.TotalSeconds;
        if (snapshot is not { SessionId: { } sessionId, State: { } state })
        {
            return new HeartbeatResponse(null, Words.Of(SessionState.Ended), null, null, null, false, nextBeat);
        }

        var hlsUrl = snapshot.Mode == StreamMode.Hybrid ? snapshot.HlsUrl : null;
        if (state != SessionState.Live)
        {
            // Minutes count from going live to the stop request: beats before and after are answered, not counted.
            return new HeartbeatResponse(sessionId, Words.Of(state), snapshot.Mode, hlsUrl, null, false, nextBeat);
        }

        var path = ViewerPaths.TryParse(command.Path, out var chosen) ? chosen
            : snapshot.Mode == StreamMode.Hybrid ? DeliveryPath.Hls : DeliveryPath.Agora;
        var counts = await presence.BeatAsync(sessionId, user.Id, path);
        if (counts is null && gaps.FirstFor(sessionId))
        {
            await db.Sessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.PresenceIncomplete, true), cancellationToken);
        }

        return new HeartbeatResponse(sessionId, Words.Of(state), snapshot.Mode, hlsUrl, counts, counts is not null, nextBeat);
    }
}

/// <summary>Sessions this process has already marked as not fully counted: one database write per session, not one per lost beat.</summary>
public sealed class PresenceGaps
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _marked = new();

    public bool FirstFor(Guid sessionId) => _marked.TryAdd(sessionId, 0);
}
