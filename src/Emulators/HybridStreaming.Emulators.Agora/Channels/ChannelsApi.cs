using System.Globalization;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.Agora.Tokens;

namespace HybridStreaming.Emulators.Agora.Channels;

/// <summary>
/// The seller's side, which the real platform gets from the RTC SDK: <c>/__emulator/channels/{channel}/broadcasters</c>
/// joins a broadcaster if its AccessToken2 lets it join and publish (else 401 with the reason), and
/// makes it leave; <c>GET /__emulator/channels[/{channel}]</c> shows who is in. Also nginx's hooks for the internal stream.
/// </summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/__emulator/channels");
        group.MapGet("", (ChannelRegistry channels) =>
        {
            lock (channels.Sync)
            {
                return Results.Json(new JsonArray([.. channels.All.Select(c => (JsonNode)Describe(c))]));
            }
        });
        group.MapGet("/{channelName}", (string channelName, ChannelRegistry channels) =>
        {
            lock (channels.Sync)
            {
                return channels.Find(channelName) is { } channel
                    ? Results.Json(Describe(channel))
                    : EmulatorProblem.NotFound($"Nobody is in channel '{channelName}'.");
            }
        });
        group.MapPost("/{channelName}/broadcasters", JoinAsync);
        group.MapDelete("/{channelName}/broadcasters/{uid}", (string channelName, string uid, HttpRequest request, ChannelRegistry channels) =>
        {
            if (!uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return EmulatorProblem.BadRequest("Invalid uid", "uid must be an unsigned 32-bit integer");
            }

            var reason = 1;
            if (request.Query["reason"].ToString() is { Length: > 0 } given && !int.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out reason))
            {
                return EmulatorProblem.BadRequest("Invalid reason", "reason must be a leave reason code (1 quit, 2 timeout, 3 kicked, 10 network, …)");
            }

            lock (channels.Sync)
            {
                return channels.LeaveBroadcaster(channelName, parsed, reason)
                    ? Results.NoContent()
                    : EmulatorProblem.NotFound($"uid {parsed} is not a broadcaster in '{channelName}'.");
            }
        });

        app.MapPost("/__emulator/internal/media/publish", async (HttpRequest request, ChannelRegistry channels) =>
            await MediaHookAsync(request, channels, live: true));
        app.MapPost("/__emulator/internal/media/unpublish", async (HttpRequest request, ChannelRegistry channels) =>
            await MediaHookAsync(request, channels, live: false));
        return app;
    }

    private static async Task<IResult> JoinAsync(string channelName, HttpRequest request, ChannelRegistry channels, AgoraSettings settings, TimeProvider time, SecretMasker secrets)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var uid = body.Integer("uid", 1, uint.MaxValue, required: true);
        var token = body.String("token", required: true);
        var platform = body.Integer("platform", 1, 999) ?? 7;
        if (channelName.Length > 64)
        {
            body.Error("the channel name must be at most 64 characters");
        }

        if (!body.IsValid)
        {
            return EmulatorProblem.BadRequest("Invalid join", string.Join("; ", body.Errors));
        }

        secrets.Add(token);
        var refusal = TokenVerifier.CheckPublisher(token!, settings.AppId, settings.AppCertificate, channelName, (uint)uid!.Value, time.GetUtcNow());
        if (refusal is not null)
        {
            return EmulatorProblem.Unauthorized($"uid {uid} cannot join '{channelName}' as a broadcaster: {refusal}");
        }

        lock (channels.Sync)
        {
            return channels.JoinBroadcaster(channelName, (uint)uid.Value, (int)platform)
                ? Results.Json(Describe(channels.Find(channelName)!), statusCode: StatusCodes.Status201Created)
                : EmulatorProblem.Conflict($"uid {uid} is already a broadcaster in '{channelName}'.");
        }
    }

    private static async Task<IResult> MediaHookAsync(HttpRequest request, ChannelRegistry channels, bool live)
    {
        var form = await request.ReadFormAsync();
        lock (channels.Sync)
        {
            // Only the channels' own encoders may publish into the internal application.
            if (form["app"] != ChannelMedia.Application || channels.FindByStream(form["name"].ToString()) is not { } channel)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            channels.SetMediaLive(channel, live);
            return Results.Ok();
        }
    }

    private static JsonObject Describe(Channel channel) => new()
    {
        ["channelName"] = channel.Name,
        ["broadcasters"] = new JsonArray([.. channel.Broadcasters.Values.Select(b => (JsonNode)new JsonObject
        {
            ["uid"] = b.Uid,
            ["joinedAt"] = Ids.Rfc3339(b.JoinedAt),
            ["platform"] = b.Platform,
        })]),
        ["recorders"] = new JsonArray([.. channel.Bots.Keys.Select(uid => (JsonNode)uid)]),
        ["mediaLive"] = channel.MediaLive,
    };
}
