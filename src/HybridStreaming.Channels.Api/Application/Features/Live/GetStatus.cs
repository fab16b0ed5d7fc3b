using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record GetStatus(Guid ChannelId) : IQuery<Result<ChannelStatus>>;

public sealed class GetStatusHandler(ChannelsDbContext db, SessionStore sessions, ViewerPresence presence) : IQueryHandler<GetStatus, Result<ChannelStatus>>
{
    public async ValueTask<Result<ChannelStatus>> Handle(GetStatus query, CancellationToken cancellationToken)
    {
        // One query when the channel has had a session (the status sellers poll while going live);
        // a session cannot outlive its channel, so the existence check is needed only without one.
        if (await sessions.FindLatestAsync(query.ChannelId, cancellationToken) is { } latest)
        {
            var viewers = latest.IsActive && await presence.TotalsAsync(latest.Id) is { } totals ? new ViewerCounts(totals.Current, totals.Peak) : null;
            return ChannelStatus.Of(latest, viewers);
        }

        return await db.Channels.AnyAsync(c => c.Id == query.ChannelId, cancellationToken)
            ? ChannelStatus.None(query.ChannelId)
            : Error.NotFound("Channel", query.ChannelId);
    }
}
