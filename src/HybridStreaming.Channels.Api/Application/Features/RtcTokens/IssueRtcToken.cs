using FluentValidation;
using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.RtcTokens;

/// <param name="Role"><c>publisher</c> or <c>subscriber</c>; by default publisher for the channel's seller, subscriber for everybody else.</param>
public sealed record IssueRtcToken(Guid ChannelId, string? Role = null) : ICommand<Result<RtcTokenResponse>>;

public sealed record RtcTokenResponse(string AppId, string ChannelName, uint Uid, string Token, DateTimeOffset ExpiresAt, string Role);

public sealed class IssueRtcTokenValidator : AbstractValidator<IssueRtcToken>
{
    public IssueRtcTokenValidator() =>
        RuleFor(c => c.Role).Must(role => role is null or "publisher" or "subscriber")
            .WithMessage("role must be 'publisher' or 'subscriber' (or left out).");
}

/// <summary>
/// An AccessToken2 for the channel's Agora channel. The channel's seller publishes with their stable uid
/// (so the relay can forward exactly that uid); anybody else — buyers, guests — may only subscribe, as
/// an audience member with an ephemeral uid that is never stored. Asking to publish someone else's
/// channel is 403.
/// </summary>
public sealed class IssueRtcTokenHandler(
    ChannelsDbContext db,
    ICurrentUser user,
    RtcIdentities identities,
    IAgoraRtc agora,
    ChannelsOptions options) : ICommandHandler<IssueRtcToken, Result<RtcTokenResponse>>
{
    public async ValueTask<Result<RtcTokenResponse>> Handle(IssueRtcToken command, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == command.ChannelId, cancellationToken);
        if (channel is null)
        {
            return Error.NotFound("Channel", command.ChannelId);
        }

        var owner = channel.IsOwnedBy(user.Id);
        var role = command.Role switch
        {
            "publisher" => RtcRole.Publisher,
            "subscriber" => RtcRole.Subscriber,
            _ => owner ? RtcRole.Publisher : RtcRole.Subscriber,
        };
        if (role == RtcRole.Publisher && !owner)
        {
            return Error.Forbidden("Only the channel's seller can publish to it; ask for a subscriber token to watch.");
        }

        var uid = role == RtcRole.Publisher ? await identities.UidOfAsync(user.Id, cancellationToken) : RtcIdentities.Ephemeral();
        var token = agora.IssueToken(channel.AgoraChannelName, uid, role, options.RtcTokenLifetime);
        return new RtcTokenResponse(agora.AppId, channel.AgoraChannelName, uid, token.Token, token.ExpiresAt, Words.Of(role));
    }
}
