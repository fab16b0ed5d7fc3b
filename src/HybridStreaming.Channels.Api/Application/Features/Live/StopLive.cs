using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record StopLive(Guid ChannelId) : ICommand<Result<SessionAccepted>>;

public sealed class StopLiveHandler(
    ChannelsDbContext db,
    ICurrentUser user,
    SessionStore sessions,
    ChannelsOptions options) : ICommandHandler<StopLive, Result<SessionAccepted>>
{
    public async ValueTask<Result<SessionAccepted>> Handle(StopLive command, CancellationToken cancellationToken)
    {
        var found = await db.FindOwnedChannelAsync(command.ChannelId, user, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }

        if (await sessions.FindActiveAsync(command.ChannelId, cancellationToken) is not { } active)
        {
            return Error.Conflict("The channel is not live.", "There is no active session to stop.");
        }

        var reason = found.Value!.IsOwnedBy(user.Id) ? "seller" : "admin";
        Error? refused = null;
        await sessions.ApplyAsync(active.Id, "stop", (session, now) =>
        {
            var stop = session.RequestStop(reason, now, options.StopDeadline);
            refused = stop.Error;
            return stop.IsSuccess ? Transition.Done : Transition.Ignored(stop.Error!.Detail);
        }, cancellationToken);

        return refused is null ? new SessionAccepted(active.Id, Words.Of(SessionState.Stopping)) : refused;
    }
}
