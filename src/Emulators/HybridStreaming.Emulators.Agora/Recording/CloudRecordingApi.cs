using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.Agora.Api;
using HybridStreaming.Emulators.Agora.Channels;
using HybridStreaming.Emulators.Agora.Tokens;

namespace HybridStreaming.Emulators.Agora.Recording;

/// <summary><c>/v1/apps/{appid}/cloud_recording/…</c>: acquire, start, query, update, updateLayout, stop (reference/agora.md §2).</summary>
public static partial class CloudRecordingApi
{
    public const int ConcurrentTaskLimit = 50;
    private static readonly TimeSpan ResourceLifetime = TimeSpan.FromMinutes(5);
    private static readonly string[] Modes = ["individual", "mix", "web"];

    public static IEndpointRouteBuilder MapCloudRecordingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/apps/{appid}/cloud_recording")
            .AddEndpointFilter<BasicAuthFilter>()
            .AddEndpointFilter(new QpsFilterFactory(10, "cloud_recording").Create)
            .AddEndpointFilter(async (context, next) =>
            {
                var settings = context.HttpContext.RequestServices.GetRequiredService<AgoraSettings>();
                return context.HttpContext.Request.RouteValues["appid"] as string == settings.AppId
                    ? await next(context)
                    : AgoraErrors.Recording(StatusCodes.Status400BadRequest, 400, "invalid_appid");
            });
        group.MapPost("/acquire", AcquireAsync);
        group.MapPost("/resourceid/{resourceid}/mode/{mode}/start", StartAsync);
        group.MapGet("/resourceid/{resourceid}/sid/{sid}/mode/{mode}/query", Query);
        group.MapPost("/resourceid/{resourceid}/sid/{sid}/mode/{mode}/update", (string resourceid, string sid, string mode, HttpRequest request, CloudRecording recording, ChannelRegistry channels) =>
            UpdateAsync(resourceid, sid, mode, request, recording, channels, layout: false));
        group.MapPost("/resourceid/{resourceid}/sid/{sid}/mode/{mode}/updateLayout", (string resourceid, string sid, string mode, HttpRequest request, CloudRecording recording, ChannelRegistry channels) =>
            UpdateAsync(resourceid, sid, mode, request, recording, channels, layout: true));
        group.MapPost("/resourceid/{resourceid}/sid/{sid}/mode/{mode}/stop", StopAsync);
        return app;
    }

    private static async Task<IResult> AcquireAsync(HttpRequest request, CloudRecording recording, ChannelRegistry channels, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var (cname, uid) = ChannelAndUid(body);
        body.Object("clientRequest");
        body.Integer("clientRequest.scene", 0, 2);
        body.Integer("clientRequest.resourceExpiredHour", 1, 720);
        body.OneOf("clientRequest.region", ["CN", "AP", "EU", "NA"]);
        if (!body.IsValid)
        {
            return AgoraErrors.InvalidParameter(body.Errors);
        }

        lock (channels.Sync)
        {
            var resource = new RecordingResource(NewResourceId(), cname!, uid!, time.GetUtcNow());
            recording.Resources[resource.ResourceId] = resource;
            return Results.Json(new JsonObject { ["cname"] = cname, ["uid"] = uid, ["resourceId"] = resource.ResourceId });
        }
    }

    private static async Task<IResult> StartAsync(string resourceid, string mode, HttpRequest request, CloudRecording recording, ChannelRegistry channels, EmulatorOptions options, TimeProvider time, SecretMasker secrets)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var (cname, uid) = ChannelAndUid(body);
        if (!Modes.Contains(mode))
        {
            body.Error($"mode must be one of {string.Join(", ", Modes)}");
        }
        else if (mode == "web")
        {
            body.Error("web-page recording (mode web) is not emulated; use individual or mix");
        }

        var token = body.String("clientRequest.token");
        body.Object("clientRequest.recordingConfig");
        body.Integer("clientRequest.recordingConfig.channelType", 0, 1);
        body.Integer("clientRequest.recordingConfig.streamTypes", 0, 2);
        var maxIdle = body.Integer("clientRequest.recordingConfig.maxIdleTime", 5, 2_592_000) ?? 30;
        body.Integer("clientRequest.recordingConfig.videoStreamType", 0, 1);
        body.Integer("clientRequest.recordingConfig.audioProfile", 0, 2);
        var subscribeAudio = body.Strings("clientRequest.recordingConfig.subscribeAudioUids");
        var subscribeVideo = body.Strings("clientRequest.recordingConfig.subscribeVideoUids");
        var unsubscribeAudio = body.Strings("clientRequest.recordingConfig.unsubscribeAudioUids");
        if (subscribeAudio is not null && unsubscribeAudio is not null || subscribeVideo is not null && body.Strings("clientRequest.recordingConfig.unsubscribeVideoUids") is not null)
        {
            body.Error("clientRequest.recordingConfig: subscribe and unsubscribe lists exclude each other");
        }

        body.Integer("clientRequest.recordingConfig.transcodingConfig.width", 16, 1920);
        body.Integer("clientRequest.recordingConfig.transcodingConfig.height", 16, 1920);
        body.Integer("clientRequest.recordingConfig.transcodingConfig.fps", 1, 30);
        body.Integer("clientRequest.recordingConfig.transcodingConfig.bitrate", 1, 10_000);
        body.Integer("clientRequest.recordingConfig.transcodingConfig.mixedVideoLayout", 0, 3);
        var fileTypes = body.Strings("clientRequest.recordingFileConfig.avFileType") ?? ["hls"];
        if (fileTypes.Any(t => t is not ("hls" or "mp4")) || !fileTypes.Contains("hls"))
        {
            body.Error("clientRequest.recordingFileConfig.avFileType must be [\"hls\"] or [\"hls\",\"mp4\"]");
        }

        body.Object("clientRequest.storageConfig");
        if (body.IsValid && !body.Has("clientRequest.storageConfig"))
        {
            body.Error("clientRequest.storageConfig is required");
        }

        body.Integer("clientRequest.storageConfig.vendor", 0, 20, required: body.Has("clientRequest.storageConfig"));
        body.Integer("clientRequest.storageConfig.region", 0, 100, required: body.Has("clientRequest.storageConfig"));
        var bucket = body.String("clientRequest.storageConfig.bucket", required: body.Has("clientRequest.storageConfig"));
        var accessKey = body.String("clientRequest.storageConfig.accessKey", required: body.Has("clientRequest.storageConfig"));
        var secretKey = body.String("clientRequest.storageConfig.secretKey", required: body.Has("clientRequest.storageConfig"));
        var prefix = body.Strings("clientRequest.storageConfig.fileNamePrefix") ?? [];
        if (bucket is not null && !BucketName().IsMatch(bucket))
        {
            body.Error("clientRequest.storageConfig.bucket must be 3–63 characters of a-z, 0-9, '.', '-' and '_'");
        }

        if (prefix.Any(p => !PrefixPart().IsMatch(p)) || string.Join('/', prefix).Length > 128)
        {
            body.Error("clientRequest.storageConfig.fileNamePrefix must be alphanumeric segments, 128 characters in all at most");
        }

        if (body.IsValid && string.IsNullOrEmpty(token))
        {
            body.Error("clientRequest.token is required: the project has an App Certificate");
        }

        secrets.Add(token);
        secrets.Add(accessKey);
        secrets.Add(secretKey);
        if (!body.IsValid)
        {
            return AgoraErrors.InvalidParameter(body.Errors);
        }

        lock (channels.Sync)
        {
            if (!recording.Resources.TryGetValue(resourceid, out var resource))
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 1001, "invalid resourceId");
            }

            if (resource.Sid is { } existing)
            {
                // A second start with the same resourceId.
                return Results.Json(new JsonObject { ["code"] = 7, ["reason"] = "already started", ["resourceId"] = resourceid, ["sid"] = existing }, statusCode: StatusCodes.Status201Created);
            }

            if (time.GetUtcNow() - resource.AcquiredAt > ResourceLifetime)
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 433, "resourceId expired");
            }

            if (resource.Cname != cname || resource.Uid != uid)
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 432, "request parameters do not match the resourceId (cname, uid)");
            }

            if (recording.RunningIn(cname).Any(s => s.Uid == uid))
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 53, "task conflict: a recording with this cname and uid is running");
            }

            if (options.Strict && recording.Running >= ConcurrentTaskLimit)
            {
                return AgoraErrors.Recording(StatusCodes.Status429TooManyRequests, 429, $"too many concurrent recordings: the limit is {ConcurrentTaskLimit} per App ID");
            }

            var sid = Ids.Hex32();
            resource.Sid = sid;
            var session = new RecordingSession
            {
                Sid = sid,
                ResourceId = resourceid,
                Cname = cname!,
                Uid = uid!,
                Mode = mode,
                StartedAt = time.GetUtcNow(),
                Folder = Path.Combine([recording.Settings.StorageDirectory, bucket!, .. prefix]),
                Mp4 = fileTypes.Contains("mp4"),
                MaxIdleSeconds = (int)maxIdle,
            };
            var problem = TokenVerifier.CheckJoin(token!, recording.Settings.AppId, recording.Settings.AppCertificate, cname!,
                uint.Parse(uid!, CultureInfo.InvariantCulture), time.GetUtcNow());
            recording.Begin(session, problem);
            return Results.Json(new JsonObject { ["cname"] = cname, ["uid"] = uid, ["resourceId"] = resourceid, ["sid"] = sid });
        }
    }

    private static IResult Query(string resourceid, string sid, string mode, CloudRecording recording, ChannelRegistry channels, EmulatorOptions options, TimeProvider time)
    {
        lock (channels.Sync)
        {
            if (Find(recording, resourceid, sid, mode) is not { State: SessionState.Running } session)
            {
                return NoWorker();
            }

            var elapsed = time.GetUtcNow() - session.StartedAt;
            // Strict: the real timing — starting, ready, and "in progress" about 5 s after start.
            var status = !options.Strict || elapsed >= TimeSpan.FromSeconds(5) ? 5 : elapsed >= TimeSpan.FromSeconds(2) ? 4 : 2;
            var (listMode, list) = status == 5 ? recording.FileList(session) : ("string", JsonValue.Create("")!);
            return Answer(session, new JsonObject
            {
                ["fileListMode"] = listMode,
                ["fileList"] = list,
                ["status"] = status,
                ["sliceStartTime"] = session.SliceStartTime,
            });
        }
    }

    private static async Task<IResult> UpdateAsync(string resourceid, string sid, string mode, HttpRequest request, CloudRecording recording, ChannelRegistry channels, bool layout)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        ChannelAndUid(body);
        body.Object("clientRequest");
        if (layout)
        {
            body.Integer("clientRequest.mixedVideoLayout", 0, 3);
            body.String("clientRequest.backgroundColor");
            if (mode != "mix")
            {
                body.Error("updateLayout is only for mode mix");
            }
        }
        else
        {
            body.Strings("clientRequest.streamSubscribe.audioUidList.subscribeAudioUids");
            body.Strings("clientRequest.streamSubscribe.videoUidList.subscribeVideoUids");
        }

        if (!body.IsValid)
        {
            return AgoraErrors.InvalidParameter(body.Errors);
        }

        lock (channels.Sync)
        {
            if (Find(recording, resourceid, sid, mode) is not { State: SessionState.Running } session)
            {
                return NoWorker();
            }

            // The emulator records the channel's one stream: layouts and subscriptions are accepted and kept as given.
            return Answer(session, null);
        }
    }

    private static async Task<IResult> StopAsync(string resourceid, string sid, string mode, HttpRequest request, CloudRecording recording, ChannelRegistry channels)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var (cname, uid) = ChannelAndUid(body);
        var asyncStop = body.Bool("clientRequest.async_stop") ?? false;
        if (!body.IsValid)
        {
            return AgoraErrors.InvalidParameter(body.Errors);
        }

        RecordingSession session;
        RtmpForwarder? writer;
        lock (channels.Sync)
        {
            if (Find(recording, resourceid, sid, mode) is not { } found)
            {
                return NoWorker();
            }

            if (found.Cname != cname || found.Uid != uid)
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 432, "request parameters do not match the resourceId (cname, uid)");
            }

            if (found.State != SessionState.Running)
            {
                return AgoraErrors.Recording(StatusCodes.Status400BadRequest, 49, "invalid operation: the task is already exiting or has exited");
            }

            session = found;
            writer = recording.End(session, SessionState.Stopped, leaveCode: 16);
        }

        if (writer is not null)
        {
            // A synchronous stop returns once the files are complete ("uploaded").
            var finishing = writer.DisposeAsync().AsTask();
            if (!asyncStop)
            {
                await finishing;
            }
        }

        lock (channels.Sync)
        {
            if (!session.Published)
            {
                return Results.Json(new JsonObject { ["code"] = 435, ["reason"] = "no recorded data", ["resourceId"] = resourceid, ["sid"] = sid }, statusCode: StatusCodes.Status206PartialContent);
            }

            var (listMode, list) = recording.FileList(session);
            return Answer(session, new JsonObject
            {
                ["fileListMode"] = listMode,
                ["fileList"] = list,
                ["uploadingStatus"] = asyncStop ? "unknown" : "uploaded",
            });
        }
    }

    /// <summary>query, update and stop answer <c>{resourceId, sid, serverResponse?, cname, uid}</c>.</summary>
    private static IResult Answer(RecordingSession session, JsonObject? serverResponse)
    {
        var json = new JsonObject { ["resourceId"] = session.ResourceId, ["sid"] = session.Sid };
        if (serverResponse is not null)
        {
            json["serverResponse"] = serverResponse;
        }

        json["cname"] = session.Cname;
        json["uid"] = session.Uid;
        return Results.Json(json);
    }

    private static RecordingSession? Find(CloudRecording recording, string resourceid, string sid, string mode) =>
        recording.Sessions.TryGetValue(sid, out var session) && session.ResourceId == resourceid && session.Mode == mode ? session : null;

    private static IResult NoWorker() => AgoraErrors.Recording(StatusCodes.Status404NotFound, 404, "failed to find worker");

    /// <summary>cname (1–64 characters) and uid (a string holding an integer 1…2³²−1).</summary>
    private static (string? Cname, string? Uid) ChannelAndUid(JsonBody body)
    {
        var cname = body.String("cname", required: true, maxLength: 64);
        var uid = body.String("uid", required: true);
        if (cname is { Length: 0 })
        {
            body.Error("cname must not be empty");
        }

        if (uid is not null && !(uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0))
        {
            body.Error("uid must be a string holding an integer from 1 to 4294967295");
        }

        return (cname, uid);
    }

    private static string NewResourceId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex PrefixPart();
}

/// <summary>Creates the strict-mode QPS filter for a route group.</summary>
public sealed class QpsFilterFactory(int perSecond, string scope)
{
    public ValueTask<object?> Create(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var services = context.HttpContext.RequestServices;
        var filter = Filters.GetOrAdd(scope, _ => new QpsLimitFilter(services.GetRequiredService<EmulatorOptions>(), services.GetRequiredService<TimeProvider>(), perSecond, scope));
        return filter.InvokeAsync(context, next);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, QpsLimitFilter> Filters = new(StringComparer.Ordinal);
}
