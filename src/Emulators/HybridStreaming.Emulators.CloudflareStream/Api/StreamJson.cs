using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.CloudflareStream.Domain;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary>The JSON shapes of Cloudflare Stream's objects, field for field as the v4 API returns them.</summary>
public sealed class StreamJson(StreamEndpoints endpoints)
{
    public JsonObject LiveInput(LiveInput input)
    {
        var json = new JsonObject
        {
            ["uid"] = input.Uid,
            ["created"] = Ids.Rfc3339(input.Created),
            ["modified"] = Ids.Rfc3339(input.Modified),
            ["meta"] = input.Meta.DeepClone(),
            ["enabled"] = input.Enabled,
            ["deleteRecordingAfterDays"] = input.DeleteRecordingAfterDays,
            ["preferLowLatency"] = input.PreferLowLatency,
            ["defaultCreator"] = input.DefaultCreator,
            ["status"] = input.Status,
            ["recording"] = Recording(input.Recording),
            ["rtmps"] = new JsonObject { ["url"] = endpoints.IngestUrl, ["streamKey"] = input.Keys.StreamKey },
            ["rtmpsPlayback"] = new JsonObject { ["url"] = endpoints.IngestUrl, ["streamKey"] = input.Keys.PlaybackKey },
            ["srt"] = new JsonObject { ["url"] = SrtUrl, ["streamId"] = input.Keys.SrtStreamId, ["passphrase"] = input.Keys.SrtPassphrase },
            ["srtPlayback"] = new JsonObject { ["url"] = SrtUrl, ["streamId"] = input.Keys.SrtPlaybackStreamId, ["passphrase"] = input.Keys.SrtPlaybackPassphrase },
            ["webRTC"] = new JsonObject { ["url"] = $"{endpoints.PlaybackBase}/{input.Keys.WebRtcSecret}/webRTC/publish" },
            ["webRTCPlayback"] = new JsonObject { ["url"] = $"{endpoints.PlaybackBase}/{input.Uid}/webRTC/play" },
        };
        if (input.DefaultCreator is null)
        {
            json.Remove("defaultCreator");
        }

        if (input.KeysRotatedAt is { } rotated)
        {
            json["keysRotatedAt"] = Ids.Rfc3339(rotated);
        }

        return json;
    }

    /// <summary>The list carries no credentials.</summary>
    public static JsonObject LiveInputSummary(LiveInput input) => new()
    {
        ["uid"] = input.Uid,
        ["created"] = Ids.Rfc3339(input.Created),
        ["modified"] = Ids.Rfc3339(input.Modified),
        ["meta"] = input.Meta.DeepClone(),
        ["deleteRecordingAfterDays"] = input.DeleteRecordingAfterDays,
        ["enabled"] = input.Enabled,
    };

    public static JsonObject Output(LiveOutput output) => new()
    {
        ["uid"] = output.Uid,
        ["url"] = output.Url,
        ["streamKey"] = output.StreamKey,
        ["enabled"] = output.Enabled,
    };

    public JsonObject Video(Video video)
    {
        var ready = video.State == "ready";
        return new JsonObject
        {
            ["uid"] = video.Uid,
            ["creator"] = video.Creator,
            ["thumbnail"] = $"{endpoints.PlaybackBase}/{video.Uid}/thumbnails/thumbnail.jpg",
            ["thumbnailTimestampPct"] = 0,
            ["readyToStream"] = ready,
            ["readyToStreamAt"] = video.ReadyAt is { } at ? Ids.Rfc3339(at) : null,
            ["status"] = new JsonObject
            {
                ["state"] = video.State,
                ["pctComplete"] = ready ? "100.000000" : "0.000000",
                ["errorReasonCode"] = "",
                ["errorReasonText"] = "",
            },
            ["meta"] = video.Meta.DeepClone(),
            ["created"] = Ids.Rfc3339(video.Created),
            ["modified"] = Ids.Rfc3339(video.Modified),
            ["scheduledDeletion"] = video.DeleteRecordingAfterDays is { } days && video.ReadyAt is { } readyAt ? Ids.Rfc3339(readyAt.AddDays(days)) : null,
            ["size"] = ready ? SizeOf(video) : 0,
            ["preview"] = $"{endpoints.PlaybackBase}/{video.Uid}/watch",
            ["allowedOrigins"] = new JsonArray([.. video.AllowedOrigins.Select(o => (JsonNode)o)]),
            ["requireSignedURLs"] = video.RequireSignedUrls,
            ["uploaded"] = Ids.Rfc3339(video.Created),
            ["uploadExpiry"] = null,
            ["maxSizeBytes"] = null,
            ["maxDurationSeconds"] = null,
            ["duration"] = ready ? Math.Round(video.Duration, 3) : -1,
            ["input"] = new JsonObject { ["width"] = ready ? 426 : -1, ["height"] = ready ? 240 : -1 },
            ["playback"] = new JsonObject { ["hls"] = endpoints.Hls(video.Uid), ["dash"] = endpoints.Dash(video.Uid) },
            ["watermark"] = null,
            ["liveInput"] = video.LiveInputUid,
            ["clippedFrom"] = null,
            ["publicDetails"] = null,
        };
    }

    private string SrtUrl => $"srt://127.0.0.1:{endpoints.Self.Port}";

    private static JsonObject Recording(RecordingSettings recording) => new()
    {
        ["mode"] = recording.Mode,
        ["timeoutSeconds"] = recording.TimeoutSeconds,
        ["requireSignedURLs"] = recording.RequireSignedUrls,
        ["allowedOrigins"] = new JsonArray([.. recording.AllowedOrigins.Select(o => (JsonNode)o)]),
        ["hideLiveViewerCount"] = recording.HideLiveViewerCount,
    };

    private static long SizeOf(Video video) =>
        Directory.Exists(video.Folder) ? new DirectoryInfo(video.Folder).EnumerateFiles("*.ts").Sum(f => f.Length) : 0;
}
