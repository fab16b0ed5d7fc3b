using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record GoLive(Guid ChannelId) : ICommand<Result<SessionAccepted>>;

/// <summary>
/// Seller clicks Go Live: a session starts (hybrid or agora-only by the rollout policy) and
/// <c>StreamStartRequested</c> goes out through the outbox; the workers do the rest asynchronously.
/// </summary>
public sealed class GoLiveHandler(
    ChannelsDbContext db,
    ICurrentUser user,
    SessionStore sessions,
    RtcIdentities identities,
    ChannelsOptions options,
    TimeProvider clock) : ICommandHandler<GoLive, Result<SessionAccepted>>
{
    public async ValueTask<Result<SessionAccepted>> Handle(GoLive command, CancellationToken cancellationToken)
    {
        var found = await db.FindOwnedChannelAsync(command.ChannelId, user, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }

        if (await sessions.FindActiveAsync(command.ChannelId, cancellationToken) is { } active)
        {
            return AlreadyActive(active.Id, active.State);
        }

        var channel = found.Value!;
        var sellerUid = await identities.UidOfAsync(channel.SellerId, cancellationToken);
        var (mode, reason) = options.Rollout.Decide(channel.Id);
        var session = StreamSession.Start(channel, sellerUid, mode, reason, clock.GetUtcNow(), options.StartDeadline);
        db.Sessions.Add(session);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another go-live for this channel won the race (the one-active-session index).
            db.Entry(session).State = EntityState.Detached;
            var winner = await sessions.FindActiveAsync(command.ChannelId, cancellationToken);
            return AlreadyActive(winner?.Id, winner?.State ?? SessionState.Starting);
        }

        return new SessionAccepted(session.Id, Words.Of(session.State));
    }

    private static Error AlreadyActive(Guid? sessionId, SessionState state) =>
        Error.Conflict("A session is already active.", $"Session {sessionId} is {Words.Of(state)}; stop it before going live again.");
}
