using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.CloudflareStream.Domain;
using HybridStreaming.Emulators.CloudflareStream.Ingest;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary><c>/accounts/{account_id}/stream/live_inputs</c>: live inputs, their outputs and their videos.</summary>
public static class LiveInputsApi
{
    private static readonly string[] RecordingModes = ["off", "automatic"];

    public static RouteGroupBuilder MapLiveInputsApi(this RouteGroupBuilder stream)
    {
        var inputs = stream.MapGroup("/live_inputs");
        inputs.MapPost("", CreateAsync);
        inputs.MapGet("", List);
        inputs.MapGet("/{uid}", Get);
        inputs.MapPut("/{uid}", UpdateAsync);
        inputs.MapDelete("/{uid}", DeleteAsync);
        inputs.MapPost("/{uid}/enable", (string uid, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest, TimeProvider time) =>
            SetEnabledAsync(uid, true, request, store, json, ingest, time));
        inputs.MapPost("/{uid}/disable", (string uid, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest, TimeProvider time) =>
            SetEnabledAsync(uid, false, request, store, json, ingest, time));
        inputs.MapPost("/{uid}/rotate_keys", RotateKeysAsync);
        inputs.MapGet("/{uid}/videos", Videos);

        inputs.MapPost("/{uid}/outputs", CreateOutputAsync);
        inputs.MapGet("/{uid}/outputs", ListOutputs);
        inputs.MapPut("/{uid}/outputs/{output}", UpdateOutputAsync);
        inputs.MapDelete("/{uid}/outputs/{output}", DeleteOutput);
        return stream;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, StreamStore store, StreamJson json, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(request);
        var now = time.GetUtcNow();
        var input = new LiveInput { Uid = Ids.Hex32(), Created = now, Modified = now, Keys = store.NewCredentials() };
        if (!Apply(body, input))
        {
            return Envelope.BadRequest(body.Errors);
        }

        lock (store.Sync)
        {
            store.Inputs[input.Uid] = input;
            store.IndexStreamKey(input);
            return Envelope.Ok(json.LiveInput(input), StatusCodes.Status201Created);
        }
    }

    private static IResult List(StreamStore store)
    {
        lock (store.Sync)
        {
            var all = store.Inputs.Values.OrderBy(i => i.Created).ToList();
            return Envelope.Ok(new JsonObject
            {
                ["liveInputs"] = new JsonArray([.. all.Select(i => (JsonNode)StreamJson.LiveInputSummary(i))]),
                ["range"] = all.Count,
                ["total"] = all.Count,
            });
        }
    }

    private static IResult Get(string uid, HttpRequest request, StreamStore store, StreamJson json) =>
        WithInput(uid, request, store, input => Envelope.Ok(json.LiveInput(input)));

    private static async Task<IResult> UpdateAsync(string uid, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(request);
        return await ChangeAsync(uid, request, store, json, ingest, input =>
        {
            // Validate on a copy first: a bad field changes nothing.
            var trial = new LiveInput { Uid = uid, Created = input.Created, Keys = input.Keys };
            if (!Apply(body, trial))
            {
                return (false, Envelope.BadRequest(body.Errors));
            }

            Apply(JsonBody.Parse(body.Root.ToJsonString()), input);
            input.Modified = time.GetUtcNow();
            return (!input.Enabled, null);
        });
    }

    private static async Task<IResult> DeleteAsync(string uid, HttpRequest request, StreamStore store, IngestService ingest)
    {
        if (!Ids.IsHex32(uid))
        {
            return Envelope.InvalidId(request);
        }

        LiveInput? input;
        lock (store.Sync)
        {
            if (!store.Inputs.TryGetValue(uid, out input))
            {
                return Envelope.NotFound("Live input");
            }
        }

        await ingest.RemoveAsync(input);
        return Envelope.Ok(new JsonObject());
    }

    /// <summary>"false makes the input reject connections and ends a running broadcast".</summary>
    private static Task<IResult> SetEnabledAsync(string uid, bool enabled, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest, TimeProvider time) =>
        ChangeAsync(uid, request, store, json, ingest, input =>
        {
            input.Enabled = enabled;
            input.Modified = time.GetUtcNow();
            return (!enabled, null);
        });

    /// <summary>Old credentials are revoked: a broadcast still using them is disconnected.</summary>
    private static Task<IResult> RotateKeysAsync(string uid, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest, TimeProvider time) =>
        ChangeAsync(uid, request, store, json, ingest, input =>
        {
            input.Keys = store.NewCredentials();
            store.IndexStreamKey(input);
            input.KeysRotatedAt = input.Modified = time.GetUtcNow();
            return (true, null);
        });

    /// <summary>
    /// Changes an input under the lock (<paramref name="change"/> may reject the request), cuts its
    /// publisher when the change says so (outside the lock: nginx calls back), and answers with the input.
    /// </summary>
    private static async Task<IResult> ChangeAsync(string uid, HttpRequest request, StreamStore store, StreamJson json, IngestService ingest,
        Func<LiveInput, (bool Cut, IResult? Rejected)> change)
    {
        if (!Ids.IsHex32(uid))
        {
            return Envelope.InvalidId(request);
        }

        LiveInput? input;
        bool cut;
        lock (store.Sync)
        {
            if (!store.Inputs.TryGetValue(uid, out input))
            {
                return Envelope.NotFound("Live input");
            }

            (cut, var rejected) = change(input);
            if (rejected is not null)
            {
                return rejected;
            }
        }

        if (cut)
        {
            await ingest.DisconnectAsync(input);
        }

        lock (store.Sync)
        {
            return Envelope.Ok(json.LiveInput(input));
        }
    }

    private static IResult Videos(string uid, HttpRequest request, StreamStore store, StreamJson json) =>
        WithInput(uid, request, store, input => Envelope.Ok(new JsonArray([.. store.Videos.Values
            .Where(v => v.LiveInputUid == input.Uid)
            .OrderByDescending(v => v.Created)
            .Select(v => (JsonNode)json.Video(v))])));

    private static async Task<IResult> CreateOutputAsync(string uid, HttpRequest request, StreamStore store, IngestService ingest)
    {
        if (!Ids.IsHex32(uid))
        {
            return Envelope.InvalidId(request);
        }

        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var url = body.String("url", required: true, maxLength: 1024);
        var key = body.String("streamKey", required: true);
        var enabled = body.Bool("enabled") ?? true;
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "rtmp" or "rtmps" or "srt"))
        {
            body.Error("url must be an rtmp://, rtmps:// or srt:// URL");
        }

        LiveInput? input;
        LiveOutput output;
        lock (store.Sync)
        {
            if (!store.Inputs.TryGetValue(uid, out input))
            {
                return Envelope.NotFound("Live input");
            }

            if (!body.IsValid)
            {
                return Envelope.BadRequest(body.Errors);
            }

            if (input.Outputs.Count >= 50)
            {
                return Envelope.BadRequest(["a live input can have at most 50 outputs"]);
            }

            output = new LiveOutput { Uid = Ids.Hex32(), Url = url!, StreamKey = key!, Enabled = enabled };
            input.Outputs.Add(output);
        }

        ingest.StartOutputs(input);
        return Envelope.Ok(StreamJson.Output(output), StatusCodes.Status201Created);
    }

    private static IResult ListOutputs(string uid, HttpRequest request, StreamStore store) =>
        WithInput(uid, request, store, input => Envelope.Ok(new JsonArray([.. input.Outputs.Select(o => (JsonNode)StreamJson.Output(o))])));

    private static async Task<IResult> UpdateOutputAsync(string uid, string output, HttpRequest request, StreamStore store, IngestService ingest)
    {
        if (!Ids.IsHex32(uid) || !Ids.IsHex32(output))
        {
            return Envelope.InvalidId(request);
        }

        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var enabled = body.Bool("enabled", required: true);
        LiveInput? input;
        LiveOutput? found;
        lock (store.Sync)
        {
            if (!store.Inputs.TryGetValue(uid, out input) || (found = input.Outputs.FirstOrDefault(o => o.Uid == output)) is null)
            {
                return Envelope.NotFound(input is null ? "Live input" : "Output");
            }

            if (!body.IsValid)
            {
                return Envelope.BadRequest(body.Errors);
            }

            found.Enabled = enabled!.Value;
            if (!found.Enabled)
            {
                ingest.StopOutput(found);
            }
        }

        ingest.StartOutputs(input);
        return Envelope.Ok(StreamJson.Output(found));
    }

    private static IResult DeleteOutput(string uid, string output, HttpRequest request, StreamStore store, IngestService ingest)
    {
        if (!Ids.IsHex32(uid) || !Ids.IsHex32(output))
        {
            return Envelope.InvalidId(request);
        }

        lock (store.Sync)
        {
            if (!store.Inputs.TryGetValue(uid, out var input) || input.Outputs.FirstOrDefault(o => o.Uid == output) is not { } found)
            {
                return Envelope.NotFound(store.Inputs.ContainsKey(uid) ? "Output" : "Live input");
            }

            input.Outputs.Remove(found);
            ingest.StopOutput(found);
            return Envelope.Ok(new JsonObject());
        }
    }

    private static IResult WithInput(string uid, HttpRequest request, StreamStore store, Func<LiveInput, IResult> then)
    {
        if (!Ids.IsHex32(uid))
        {
            return Envelope.InvalidId(request);
        }

        lock (store.Sync)
        {
            return store.Inputs.TryGetValue(uid, out var input) ? then(input) : Envelope.NotFound("Live input");
        }
    }

    /// <summary>Applies the create/update body (every field optional); false, with the errors in the body, when a field is bad.</summary>
    private static bool Apply(JsonBody body, LiveInput input)
    {
        var meta = body.Object("meta");
        var enabled = body.Bool("enabled");
        var creator = body.String("defaultCreator");
        double? days = null;
        if (body.Root.TryGetPropertyValue("deleteRecordingAfterDays", out var daysNode) && daysNode is not null)
        {
            days = body.Number("deleteRecordingAfterDays", 30, 1096);
            if (days is null && body.IsValid)
            {
                body.Error("deleteRecordingAfterDays must be a number between 30 and 1096");
            }
        }

        var lowLatency = body.Bool("preferLowLatency");
        body.Object("recording");
        var mode = body.OneOf("recording.mode", RecordingModes);
        var timeout = body.Integer("recording.timeoutSeconds", 0, 86_400);
        var signed = body.Bool("recording.requireSignedURLs");
        var origins = body.Strings("recording.allowedOrigins");
        var hideViewers = body.Bool("recording.hideLiveViewerCount");
        if (!body.IsValid)
        {
            return false;
        }

        if (meta is not null)
        {
            input.Meta = (JsonObject)meta.DeepClone();
        }

        if (enabled is { } e)
        {
            input.Enabled = e;
        }

        if (creator is not null)
        {
            input.DefaultCreator = creator;
        }

        if (daysNode is not null || body.Root.ContainsKey("deleteRecordingAfterDays"))
        {
            input.DeleteRecordingAfterDays = days;
        }

        if (lowLatency is { } low)
        {
            input.PreferLowLatency = low;
        }

        input.Recording.Mode = mode ?? input.Recording.Mode;
        input.Recording.TimeoutSeconds = timeout ?? input.Recording.TimeoutSeconds;
        input.Recording.RequireSignedUrls = signed ?? input.Recording.RequireSignedUrls;
        input.Recording.AllowedOrigins = origins ?? input.Recording.AllowedOrigins;
        input.Recording.HideLiveViewerCount = hideViewers ?? input.Recording.HideLiveViewerCount;
        return true;
    }
}
