using HybridStreaming.Channels.Api.Application.Features.Channels;
using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Application.Features.RtcTokens;
using Mediator;

namespace HybridStreaming.Channels.Api.Api;

public sealed record ChannelRequest(string? Title, string? Description);

/// <summary><c>/api/channels</c>: channels, going live and stopping, status, playback and RTC tokens. JWT required.</summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/channels").RequireAuthorization().WithTags("Channels");

        channels.MapPost("/", async (ChannelRequest body, ISender sender, CancellationToken ct) =>
            (await sender.Send(new CreateChannel(body.Title, body.Description), ct))
                .ToHttpResult(created => TypedResults.Created($"/api/channels/{created.Id}", created)));

        channels.MapGet("/", async (string? sellerId, int? offset, int? limit, ISender sender, CancellationToken ct) =>
            (await sender.Send(new ListChannels(sellerId, offset ?? 0, limit ?? 50), ct)).ToHttpResult(TypedResults.Ok));

        channels.MapGet("/{id}", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetChannel(id), ct)).ToHttpResult(TypedResults.Ok));

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

        channels.MapGet("/{id}/status", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetStatus(id), ct)).ToHttpResult(TypedResults.Ok));

        channels.MapGet("/{id}/playback", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new GetPlayback(id), ct)).ToHttpResult(TypedResults.Ok));

        channels.MapPost("/{id}/rtc-token", async (Guid id, ISender sender, CancellationToken ct) =>
            (await sender.Send(new IssueRtcToken(id), ct)).ToHttpResult(TypedResults.Ok));

        return app;
    }
}
