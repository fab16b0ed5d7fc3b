using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record DeleteChannel(Guid Id) : ICommand<Result<bool>>;

public sealed class DeleteChannelHandler(ChannelsDbContext db, ICurrentUser user, SessionStore sessions)
    : ICommandHandler<DeleteChannel, Result<bool>>
{
    public async ValueTask<Result<bool>> Handle(DeleteChannel command, CancellationToken cancellationToken)
    {
        var found = await db.FindOwnedChannelAsync(command.Id, user, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }

        if (await sessions.FindActiveAsync(command.Id, cancellationToken) is { } active)
        {
            return Error.Conflict(
                "The channel is live.",
                $"Session {active.Id} is {active.State.ToString().ToLowerInvariant()}; stop it (DELETE /api/channels/{command.Id}/live) before deleting the channel.");
        }

        db.Channels.Remove(found.Value!);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
