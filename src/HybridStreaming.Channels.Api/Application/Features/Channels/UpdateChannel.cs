using FluentValidation;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record UpdateChannel(Guid Id, string? Title, string? Description) : ICommand<Result<ChannelResponse>>;

public sealed class UpdateChannelValidator : AbstractValidator<UpdateChannel>
{
    public UpdateChannelValidator()
    {
        RuleFor(c => c.Title).ValidTitle();
        RuleFor(c => c.Description).ValidDescription();
    }
}

public sealed class UpdateChannelHandler(ChannelsDbContext db, ICurrentUser user, TimeProvider clock, ChannelDirectory directory)
    : ICommandHandler<UpdateChannel, Result<ChannelResponse>>
{
    public async ValueTask<Result<ChannelResponse>> Handle(UpdateChannel command, CancellationToken cancellationToken)
    {
        var found = await db.FindOwnedChannelAsync(command.Id, user, cancellationToken);
        if (found.Error is { } error)
        {
            return error;
        }

        var channel = found.Value!;
        channel.Update(command.Title!, command.Description, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);

        // The same answer as reading the channel: a live channel says so.
        return await directory.FindAsync(channel.Id, cancellationToken) ?? ChannelResponse.From(channel, live: null);
    }
}
