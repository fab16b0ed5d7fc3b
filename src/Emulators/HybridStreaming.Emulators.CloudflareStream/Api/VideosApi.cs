using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.CloudflareStream.Domain;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary><c>/accounts/{account_id}/stream</c> (videos, found by live input) and <c>/stream/webhook</c>.</summary>
public static class VideosApi
{
    private static readonly string[] States = ["pendingupload", "downloading", "queued", "inprogress", "ready", "error", "live-inprogress"];

    public static RouteGroupBuilder MapVideosApi(this RouteGroupBuilder stream)
    {
        stream.MapGet("", List);
        stream.MapPut("/webhook", UpdateWebhookAsync);
        stream.MapGet("/webhook", GetWebhook);
        stream.MapDelete("/webhook", DeleteWebhook);
        stream.MapGet("/{video_uid}", Get);
        return stream;
    }

    private static IResult List(HttpRequest request, StreamStore store, StreamJson json)
    {
        var query = request.Query;
        var liveInput = query["live_input_id"].ToString();
        var status = query["status"].ToString();
        var type = query["type"].ToString();
        var problems = new List<string>();
        if (liveInput.Length > 0 && !Ids.IsHex32(liveInput))
        {
            problems.Add("live_input_id must be a 32-character hex identifier");
        }

        if (status.Length > 0 && !States.Contains(status))
        {
            problems.Add($"status must be one of {string.Join(", ", States)}");
        }

        if (type.Length > 0 && type is not ("vod" or "live"))
        {
            problems.Add("type must be vod or live");
        }

        var limit = 1000;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > 1000))
        {
            problems.Add("limit must be an integer between 1 and 1000");
        }

        if (problems.Count > 0)
        {
            return Envelope.BadRequest(problems);
        }

        var ascending = query["asc"].ToString() == "true";
        lock (store.Sync)
        {
            var videos = store.Videos.Values
                .Where(v => liveInput.Length == 0 || v.LiveInputUid == liveInput)
                .Where(v => status.Length == 0 || v.State == status)
                .Where(v => type != "vod")
                .ToList();
            videos = ascending ? [.. videos.OrderBy(v => v.Created)] : [.. videos.OrderByDescending(v => v.Created)];
            return Envelope.Ok(new JsonArray([.. videos.Take(limit).Select(v => (JsonNode)json.Video(v))]));
        }
    }

    private static IResult Get(string video_uid, HttpRequest request, StreamStore store, StreamJson json)
    {
        if (!Ids.IsHex32(video_uid))
        {
            return Envelope.InvalidId(request);
        }

        lock (store.Sync)
        {
            return store.Videos.TryGetValue(video_uid, out var video) ? Envelope.Ok(json.Video(video)) : Envelope.NotFound("Video");
        }
    }

    private static async Task<IResult> UpdateWebhookAsync(HttpRequest request, StreamStore store, StreamSettings settings, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var url = body.String("notificationUrl") ?? body.String("notification_url");
        if (body.IsValid && url is null)
        {
            body.Error("notificationUrl is required");
        }
        else if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
        {
            body.Error("notificationUrl must be an http(s) URL");
        }

        if (!body.IsValid)
        {
            return Envelope.BadRequest(body.Errors);
        }

        lock (store.Sync)
        {
            // One webhook per account: a second PUT replaces the first.
            store.WebhookUrl = url;
            store.WebhookModified = time.GetUtcNow();
            return Envelope.Ok(Webhook(store, settings));
        }
    }

    private static IResult GetWebhook(StreamStore store, StreamSettings settings)
    {
        lock (store.Sync)
        {
            return store.WebhookUrl is null ? Envelope.NotFound("Webhook") : Envelope.Ok(Webhook(store, settings));
        }
    }

    private static IResult DeleteWebhook(StreamStore store)
    {
        lock (store.Sync)
        {
            if (store.WebhookUrl is null)
            {
                return Envelope.NotFound("Webhook");
            }

            store.WebhookUrl = null;
            store.WebhookModified = null;
            return Envelope.Ok(JsonValue.Create("ok"));
        }
    }

    private static JsonObject Webhook(StreamStore store, StreamSettings settings) => new()
    {
        ["notificationUrl"] = store.WebhookUrl,
        ["notification_url"] = store.WebhookUrl,
        ["modified"] = store.WebhookModified is { } modified ? Ids.Rfc3339(modified) : null,
        ["secret"] = settings.WebhookSecret,
    };
}
