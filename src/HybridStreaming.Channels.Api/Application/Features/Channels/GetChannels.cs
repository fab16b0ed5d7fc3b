using FluentValidation;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record GetChannel(Guid Id) : IQuery<Result<ChannelResponse>>;

public sealed class GetChannelHandler(ChannelsDbContext db) : IQueryHandler<GetChannel, Result<ChannelResponse>>
{
    public async ValueTask<Result<ChannelResponse>> Handle(GetChannel query, CancellationToken cancellationToken) =>
        await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == query.Id, cancellationToken) is { } channel
            ? ChannelResponse.From(channel)
            : Error.NotFound("Channel", query.Id);
}

/// <param name="SellerId">Only this seller's channels.</param>
public sealed record ListChannels(string? SellerId, int Offset = 0, int Limit = 50) : IQuery<Result<IReadOnlyList<ChannelResponse>>>;

public sealed class ListChannelsValidator : AbstractValidator<ListChannels>
{
    public ListChannelsValidator()
    {
        RuleFor(q => q.Offset).GreaterThanOrEqualTo(0).WithMessage("Offset must be 0 or more.");
        RuleFor(q => q.Limit).InclusiveBetween(1, 200).WithMessage("Limit must be from 1 to 200.");
    }
}

public sealed class ListChannelsHandler(ChannelsDbContext db) : IQueryHandler<ListChannels, Result<IReadOnlyList<ChannelResponse>>>
{
    public async ValueTask<Result<IReadOnlyList<ChannelResponse>>> Handle(ListChannels query, CancellationToken cancellationToken)
    {
        var channels = db.Channels.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.SellerId))
        {
            channels = channels.Where(c => c.SellerId == query.SellerId);
        }

        var page = await channels.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id)
            .Skip(query.Offset).Take(query.Limit)
            .ToListAsync(cancellationToken);
        return page.Select(ChannelResponse.From).ToList();
    }
}
