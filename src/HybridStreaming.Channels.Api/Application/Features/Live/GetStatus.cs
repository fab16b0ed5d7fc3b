using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Live;

public sealed record GetStatus(Guid ChannelId) : IQuery<Result<ChannelStatus>>;

public sealed class GetStatusHandler(ChannelsDbContext db, SessionStore sessions) : IQueryHandler<GetStatus, Result<ChannelStatus>>
{
    public async ValueTask<Result<ChannelStatus>> Handle(GetStatus query, CancellationToken cancellationToken)
    {
        if (!await db.Channels.AnyAsync(c => c.Id == query.ChannelId, cancellationToken))
        {
            return Error.NotFound("Channel", query.ChannelId);
        }

        return await sessions.FindLatestAsync(query.ChannelId, cancellationToken) is { } latest
            ? ChannelStatus.Of(latest)
            : ChannelStatus.None(query.ChannelId);
    }
}
