using HybridStreaming.Channels.Api.Application.Features.Channels;
using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Application.Features.RtcTokens;
using HybridStreaming.Channels.Api.Application.Features.Viewers;
using HybridStreaming.ServiceDefaults;
using Mediator;

namespace HybridStreaming.Channels.Api.Api;

public sealed record ChannelRequest(string? Title, string? Description);

/// <param name="Role"><c>publisher</c> or <c>subscriber</c>; left out: publisher for the channel's seller, subscriber otherwise.</param>
public sealed record RtcTokenRequest(string? Role);

/// <param name="Path"><c>hls</c> or <c>agora</c>: how the player plays; left out: the session's mode.</param>
public sealed record HeartbeatRequest(string? Path);

/// <summary>
/// <c>/api/channels</c>: creating, changing and deleting channels, going live and stopping (account
/// holders; a guest gets 403), and the viewer routes — the channel list and a channel, status, playback,
/// viewer counts, heartbeats, subscriber RTC tokens — which guests may use too.
/// </summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/channels").RequireAuthorization().WithTags("Channels");
        var viewing = app.MapGroup("/api/channels").RequireAuthorization(JwtAuthentication.ViewerPolicy).WithTags("Viewers");

        channels.MapPost("/", async (ChannelRequest body, ISender sender, CancellationToken ct) =>
            (await sender.Send(new CreateChannel(body.Title, body.Description), ct))
                .ToHttpResult(created => TypedResults.Created($"/api/channels/{created.Id}", created)));

        channels.MapPut("/{id}", async (Guid id, ChannelRequest body, ISender sender, CancellationToken ct) =>
            (await sender.Send(new UpdateChannel(id, body.Title, body.Description), ct)).ToHttpResult(TypedResults.Ok));

        channels.MapDelete("/{id}", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new DeleteChannel(id), ct)).ToHttpResult(_ => TypedResults.NoContent()));

        channels.MapPost("/{id}/live", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GoLive(id), ct))
                .ToHttpResult(accepted => TypedResults.Accepted($"/api/channels/{id}/status", accepted)));

        channels.MapDelete("/{id}/live", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new StopLive(id), ct))
                .ToHttpResult(accepted => TypedResults.Accepted($"/api/channels/{id}/status", accepted)));

        viewing.MapGet("/", async (string? sellerId, int? offset, int? limit, string? live, ISender sender, CancellationToken ct) =>
            (await sender.Send(new ListChannels(sellerId, offset ?? 0, limit ?? 50, live), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapGet("/{id}", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetChannel(id), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapGet("/{id}/status", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetStatus(id), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapGet("/{id}/playback", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetPlayback(id), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapGet("/{id}/viewers", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetViewers(id), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapPost("/{id}/viewers/heartbeat", async (Guid id, HeartbeatRequest? body, ISender sender, CancellationToken ct) =>
            (await sender.Send(new Heartbeat(id, body?.Path), ct)).ToHttpResult(TypedResults.Ok));

        viewing.MapPost("/{id}/rtc-token", async (Guid id, RtcTokenRequest? body, ISender sender, CancellationToken ct) =>
            (await sender.Send(new IssueRtcToken(id, body?.Role), ct)).ToHttpResult(TypedResults.Ok));

        return app;
    }
}
