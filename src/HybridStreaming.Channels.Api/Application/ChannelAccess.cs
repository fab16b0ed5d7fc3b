using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application;

public static class ChannelAccess
{
    /// <summary>
    /// The channel, if it exists and the caller may manage it: its seller, or an admin. Enforced here,
    /// in the Channel API, not only at the gateway.
    /// </summary>
    public static async Task<Result<Channel>> FindOwnedChannelAsync(this ChannelsDbContext db, Guid channelId, ICurrentUser user, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
        if (channel is null)
        {
            return Error.NotFound("Channel", channelId);
        }

        return channel.IsOwnedBy(user.Id) || user.IsAdmin
            ? channel
            : Error.Forbidden("Only the channel's seller can manage it.");
    }
}
