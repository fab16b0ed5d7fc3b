using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.Agora.Api;
using HybridStreaming.Emulators.Agora.Channels;
using HybridStreaming.Emulators.Agora.Recording;

namespace HybridStreaming.Emulators.Agora.MediaPush;

/// <summary>Media Push REST: <c>/{region}/v1/projects/{appId}/rtmp-converters…</c> and the two list routes (reference/agora.md §3).</summary>
public static partial class MediaPushApi
{
    /// <summary>Strict mode's concurrent converters per project outside mainland China (Europe/America/Asia SD).</summary>
    public const int ConcurrentConverterLimit = 20;

    public static IEndpointRouteBuilder MapMediaPushApi(this IEndpointRouteBuilder app)
    {
        var regional = app.MapGroup("/{region:regex(^(cn|ap|eu|na)$)}/v1/projects/{appId}/rtmp-converters").WithProjectChecks();
        regional.MapPost("", CreateAsync);
        regional.MapGet("/{converterId}", Get);
        regional.MapPatch("/{converterId}", UpdateAsync);
        regional.MapDelete("/{converterId}", Delete);

        var projects = app.MapGroup("/v1/projects/{appId}").WithProjectChecks();
        projects.MapGet("/rtmp-converters", (HttpRequest request, MediaPushService push, ChannelRegistry channels, AgoraSettings settings) =>
            List(request, push, channels, settings, null));
        projects.MapGet("/channels/{cname}/rtmp-converters", (string cname, HttpRequest request, MediaPushService push, ChannelRegistry channels, AgoraSettings settings) =>
            List(request, push, channels, settings, cname));
        return app;
    }

    private static RouteGroupBuilder WithProjectChecks(this RouteGroupBuilder group) => group
        .AddEndpointFilter<BasicAuthFilter>()
        .AddEndpointFilter(new QpsFilterFactory(50, "media_push").Create)
        .AddEndpointFilter(async (context, next) =>
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<AgoraSettings>();
            if (context.HttpContext.Request.Headers["X-Request-ID"].ToString() is { Length: > 0 } requestId)
            {
                context.HttpContext.Response.Headers["X-Request-ID"] = requestId;
            }

            return context.HttpContext.Request.RouteValues["appId"] as string == settings.AppId
                ? await next(context)
                : AgoraErrors.Message(StatusCodes.Status403Forbidden, "Media Push is not enabled for this project");
        });

    private static async Task<IResult> CreateAsync(string region, HttpContext context, MediaPushService push, ChannelRegistry channels, EmulatorOptions options)
    {
        var body = await JsonBody.ReadAsync(context.Request, allowEmpty: false);
        if (body.IsValid && body.Object("converter") is null)
        {
            body.Error("converter is required");
        }

        var name = body.String("converter.name", maxLength: 64);
        if (name is not null && !ConverterName().IsMatch(name))
        {
            body.Error("converter.name may hold only A-Z, a-z, 0-9, '_' and '-' (at most 64)");
        }

        var raw = body.Object("converter.rawOptions");
        var transcode = body.Object("converter.transcodeOptions");
        string? cname = null;
        uint? streamUid = null;
        if (raw is not null && transcode is not null)
        {
            body.Error("converter: rawOptions and transcodeOptions cannot be combined");
        }
        else if (raw is not null)
        {
            cname = body.String("converter.rawOptions.rtcChannel", required: true, maxLength: 64);
            streamUid = (uint?)body.Integer("converter.rawOptions.rtcStreamUid", 0, uint.MaxValue, required: true);
        }
        else if (transcode is not null)
        {
            cname = body.String("converter.transcodeOptions.rtcChannel", required: true, maxLength: 64);
            ValidateTranscoding(body, complete: true);
        }
        else if (body.IsValid)
        {
            body.Error("converter needs rawOptions or transcodeOptions");
        }

        var url = RtmpUrl(body, required: true);
        var idle = body.Integer("converter.idleTimeout", 5, 86_400) ?? body.Integer("converter.idleTimeOut", 5, 86_400) ?? 300;
        var jitter = body.Integer("converter.jitterBufferSizeMs", 0, 1000) ?? 1000;
        if (!body.IsValid)
        {
            return AgoraErrors.Message(StatusCodes.Status400BadRequest, "Invalid request: " + string.Join("; ", body.Errors));
        }

        lock (channels.Sync)
        {
            if (name is not null && push.Converters.Values.Any(c => c.Name == name))
            {
                return AgoraErrors.Message(StatusCodes.Status409Conflict, $"A converter named '{name}' already exists.");
            }

            if (options.Strict && region != "cn" && push.Converters.Count >= ConcurrentConverterLimit)
            {
                return AgoraErrors.Message(StatusCodes.Status429TooManyRequests,
                    $"Too many converters: the limit is {ConcurrentConverterLimit} concurrent converters per project in this region.");
            }

            var now = push.Now;
            var converter = new Converter
            {
                Id = Ids.Hex32(),
                Name = name,
                Region = region,
                RtcChannel = cname!,
                RtcStreamUid = streamUid,
                RawOptions = (JsonObject?)raw?.DeepClone(),
                TranscodeOptions = (JsonObject?)transcode?.DeepClone(),
                RtmpUrl = url!,
                IdleTimeout = (int)idle,
                JitterBufferSizeMs = (int)jitter,
                CreateTs = now,
                UpdateTs = now,
            };
            push.Create(converter);
            context.Response.Headers["X-Resource-ID"] = converter.Id;
            return Results.Json(new JsonObject { ["converter"] = converter.Summary(), ["fields"] = "id,createTs,updateTs,state" });
        }
    }

    private static IResult Get(string region, string converterId, HttpContext context, MediaPushService push, ChannelRegistry channels)
    {
        lock (channels.Sync)
        {
            if (!push.Converters.TryGetValue(converterId, out var converter))
            {
                return NotFound();
            }

            context.Response.Headers["X-Resource-ID"] = converter.Id;
            return Results.Json(new JsonObject
            {
                ["converter"] = converter.Full(),
                ["fields"] = "id,name,createTs,updateTs,state,rtmpUrl,idleTimeout," + (converter.RawOptions is null ? "transcodeOptions" : "rawOptions"),
            });
        }
    }

    private static async Task<IResult> UpdateAsync(string region, string converterId, HttpContext context, MediaPushService push, ChannelRegistry channels)
    {
        var sequenceText = context.Request.Query["sequence"].ToString();
        var body = await JsonBody.ReadAsync(context.Request, allowEmpty: false);
        if (!long.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            body.Error("the query parameter sequence (a non-negative integer, increasing with every update) is required");
        }

        var fields = body.String("fields", required: true);
        if (body.IsValid && body.Object("converter") is null)
        {
            body.Error("converter is required");
        }

        foreach (var fixedField in new[] { "name", "idleTimeout", "rawOptions.rtcChannel", "transcodeOptions.rtcChannel", "transcodeOptions.audioOptions" })
        {
            if (fields?.Split(',').Any(f => f.Trim() == fixedField || f.Trim().StartsWith(fixedField + ".", StringComparison.Ordinal)) == true)
            {
                body.Error($"{fixedField} cannot be changed");
            }
        }

        var url = RtmpUrl(body, required: false);
        if (body.Has("converter.transcodeOptions"))
        {
            ValidateTranscoding(body, complete: false);
        }

        if (!body.IsValid)
        {
            return AgoraErrors.Message(StatusCodes.Status400BadRequest, "Invalid request: " + string.Join("; ", body.Errors));
        }

        lock (channels.Sync)
        {
            if (!push.Converters.TryGetValue(converterId, out var converter))
            {
                return NotFound();
            }

            if (converter.LastSequence is { } last && sequence <= last)
            {
                return AgoraErrors.Message(StatusCodes.Status400BadRequest, $"sequence must increase: {sequence} is not after {last}");
            }

            // FieldMask: only the fields listed change; anything else in the body is ignored.
            var mask = fields!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (mask.Any(f => f.StartsWith("transcodeOptions", StringComparison.Ordinal)) && converter.TranscodeOptions is null)
            {
                return AgoraErrors.Message(StatusCodes.Status400BadRequest, "a raw converter cannot take transcodeOptions");
            }

            converter.LastSequence = sequence;
            var urlChanged = false;
            foreach (var field in mask)
            {
                if (field == "rtmpUrl" && url is not null)
                {
                    urlChanged = url != converter.RtmpUrl;
                    converter.RtmpUrl = url;
                }
                else if (field.StartsWith("transcodeOptions.", StringComparison.Ordinal))
                {
                    CopyField(body.Root["converter"]!.AsObject(), converter.TranscodeOptions!, field["transcodeOptions.".Length..].Split('.'), "transcodeOptions");
                }
            }

            converter.UpdateTs = push.Now;
            push.Updated(converter, fields!, urlChanged);
            context.Response.Headers["X-Resource-ID"] = converter.Id;
            return Results.Json(new JsonObject { ["converter"] = converter.Summary(), ["fields"] = "id,createTs,updateTs,state" });
        }
    }

    private static IResult Delete(string region, string converterId, MediaPushService push, ChannelRegistry channels)
    {
        lock (channels.Sync)
        {
            if (!push.Converters.TryGetValue(converterId, out var converter))
            {
                return NotFound();
            }

            push.Destroy(converter, "Delete Request");
            return Results.Ok();
        }
    }

    private static IResult List(HttpRequest request, MediaPushService push, ChannelRegistry channels, AgoraSettings settings, string? cname)
    {
        lock (channels.Sync)
        {
            var members = push.Converters.Values
                .Where(c => cname is null || c.RtcChannel == cname)
                .OrderBy(c => c.CreateTs)
                .Select(c => (JsonNode)new JsonObject
                {
                    ["rtcChannel"] = c.RtcChannel,
                    ["converterName"] = c.Name,
                    ["converterId"] = c.Id,
                    ["rtmpUrl"] = c.RtmpUrl,
                    ["state"] = c.State,
                    ["create"] = c.CreateTs,
                    ["updateTs"] = c.UpdateTs,
                    ["idleTimeout"] = c.IdleTimeout,
                    ["appId"] = settings.AppId,
                })
                .ToList();
            return Results.Json(new JsonObject
            {
                ["success"] = true,
                ["data"] = new JsonObject { ["total_count"] = members.Count, ["cursor"] = 0, ["members"] = new JsonArray([.. members]) },
            });
        }
    }

    /// <summary>Copies <c>converter.transcodeOptions.a.b</c> of the body to <c>a.b</c> of the converter's options (absent = removed).</summary>
    private static void CopyField(JsonObject converter, JsonObject options, string[] path, string root)
    {
        JsonNode? source = converter[root];
        foreach (var part in path)
        {
            source = (source as JsonObject)?[part];
        }

        var target = options;
        foreach (var part in path[..^1])
        {
            if (target[part] is not JsonObject next)
            {
                next = [];
                target[part] = next;
            }

            target = next;
        }

        target[path[^1]] = source?.DeepClone();
    }

    private static string? RtmpUrl(JsonBody body, bool required)
    {
        var url = body.String("converter.rtmpUrl", required, maxLength: 1024);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "rtmp" or "rtmps" && parsed.AbsolutePath.Trim('/').Contains('/', StringComparison.Ordinal)))
        {
            body.Error("converter.rtmpUrl must be an rtmp:// or rtmps:// URL with an application and a stream key");
            return null;
        }

        return url;
    }

    /// <param name="complete">A create carries the whole options (bitrate required); an update only the masked fields.</param>
    private static void ValidateTranscoding(JsonBody body, bool complete)
    {
        const string video = "converter.transcodeOptions.videoOptions";
        if (body.Object(video) is not null)
        {
            body.Integer(video + ".bitrate", 1, 10_000, required: complete);
            body.Integer(video + ".frameRate", 1, 30);
            body.Integer(video + ".gop", 1, 300);
            body.Integer(video + ".canvas.width", 66, 1920);
            body.Integer(video + ".canvas.height", 66, 1920);
            body.OneOf(video + ".codec", ["H.264", "H.265"]);
        }

        body.Object("converter.transcodeOptions.audioOptions");
        body.OneOf("converter.transcodeOptions.audioOptions.codecProfile", ["LC-AAC", "HE-AAC"]);
        body.Integer("converter.transcodeOptions.audioOptions.audioChannels", 1, 2);
    }

    private static IResult NotFound() => AgoraErrors.Message(StatusCodes.Status404NotFound, "The converter does not exist or has been destroyed.");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ConverterName();
}
