using FluentValidation;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record CreateChannel(string? Title, string? Description) : ICommand<Result<ChannelResponse>>;

public sealed class CreateChannelValidator : AbstractValidator<CreateChannel>
{
    public CreateChannelValidator()
    {
        RuleFor(c => c.Title).ValidTitle();
        RuleFor(c => c.Description).ValidDescription();
    }
}

public sealed class CreateChannelHandler(ChannelsDbContext db, ICurrentUser user, TimeProvider clock)
    : ICommandHandler<CreateChannel, Result<ChannelResponse>>
{
    public async ValueTask<Result<ChannelResponse>> Handle(CreateChannel command, CancellationToken cancellationToken)
    {
        if (!user.IsSeller && !user.IsAdmin)
        {
            return Error.Forbidden("Only sellers create channels.");
        }

        var channel = Channel.Create(user.Id, command.Title!, command.Description, clock.GetUtcNow());
        db.Channels.Add(channel);
        await db.SaveChangesAsync(cancellationToken);
        return ChannelResponse.From(channel, live: null); // a new channel has no session yet
    }
}
