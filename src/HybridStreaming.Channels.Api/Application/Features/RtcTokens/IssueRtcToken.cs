using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.RtcTokens;

public sealed record IssueRtcToken(Guid ChannelId) : ICommand<Result<RtcTokenResponse>>;

public sealed record RtcTokenResponse(string AppId, string ChannelName, uint Uid, string Token, DateTimeOffset ExpiresAt, string Role);

/// <summary>
/// An AccessToken2 for the channel's Agora channel: a publisher token for the channel's seller (their
/// stable uid, so the relay can forward exactly that uid), a subscriber token for everybody else.
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

        var role = channel.IsOwnedBy(user.Id) ? RtcRole.Publisher : RtcRole.Subscriber;
        var uid = await identities.UidOfAsync(user.Id, cancellationToken);
        var token = agora.IssueToken(channel.AgoraChannelName, uid, role, options.RtcTokenLifetime);
        return new RtcTokenResponse(agora.AppId, channel.AgoraChannelName, uid, token.Token, token.ExpiresAt, Words.Of(role));
    }
}
