using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.CloudflareStream.Domain;
using HybridStreaming.Emulators.CloudflareStream.Ingest;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary>
/// What the customer subdomain serves: <c>/{uid}/manifest/video.m3u8</c> (a live input uid or a video
/// uid) and its segments, <c>/{uid}/views</c> and <c>/{uid}/lifecycle</c>. CORS open, as Cloudflare's.
/// </summary>
public static class PlaybackApi
{
    private const string PlaylistType = "application/vnd.apple.mpegurl";

    public static IEndpointRouteBuilder MapPlaybackApi(this IEndpointRouteBuilder app)
    {
        var playback = app.MapGroup("/{uid}").AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.AccessControlAllowOrigin = "*";
            headers.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
            headers.AccessControlAllowHeaders = "*";
            headers.AccessControlExposeHeaders = "Content-Length, Content-Type";
            return await next(context);
        });
        playback.MapGet("/manifest/video.m3u8", Manifest);
        playback.MapGet("/manifest/{segment}", Segment);
        playback.MapGet("/views", Views);
        playback.MapGet("/lifecycle", Lifecycle);
        playback.MapMethods("/{**rest}", ["OPTIONS"], () => Results.NoContent());
        return app;
    }

    private static IResult Manifest(string uid, HttpContext context, StreamStore store, StreamSettings settings, TimeProvider time)
    {
        if (!Ids.IsHex32(uid))
        {
            return Results.NotFound();
        }

        string playlist;
        lock (store.Sync)
        {
            var (input, video) = store.Playable(uid);
            if (input is null && video is null)
            {
                return Results.NotFound();
            }

            var byInput = store.Inputs.ContainsKey(uid);
            if (video is null || video.Segments.Count == 0 || input is { Recording.Mode: "off" } && byInput)
            {
                // "Stream has not yet started": the input is not live (or has no playable media yet).
                context.Response.Headers.CacheControl = "no-cache";
                return Results.NoContent();
            }

            var live = video.State == "live-inprogress";
            if (live)
            {
                video.SawViewer(Viewer(context), time.GetUtcNow());
            }

            playlist = live ? Playlists.Live(video.Segments, settings.HlsWindowSeconds) : Playlists.Vod(video.Segments);
            context.Response.Headers.CacheControl = live ? "no-cache, no-store" : "public, max-age=3600";
        }

        return Results.Text(playlist, PlaylistType);
    }

    private static IResult Segment(string uid, string segment, HttpContext context, StreamStore store, TimeProvider time)
    {
        if (!Ids.IsHex32(uid) || !segment.EndsWith(".ts", StringComparison.Ordinal) || segment.Contains('/', StringComparison.Ordinal) || segment.Contains("..", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        string path;
        lock (store.Sync)
        {
            var (_, video) = store.Playable(uid);
            if (video is null)
            {
                return Results.NotFound();
            }

            if (video.State == "live-inprogress")
            {
                video.SawViewer(Viewer(context), time.GetUtcNow());
            }

            path = Path.Combine(video.Folder, segment);
        }

        if (!File.Exists(path))
        {
            return Results.NotFound();
        }

        // Segments never change once written.
        context.Response.Headers.CacheControl = "public, max-age=86400, immutable";
        return Results.File(path, "video/mp2t");
    }

    private static IResult Views(string uid, StreamStore store, StreamSettings settings, TimeProvider time)
    {
        lock (store.Sync)
        {
            var (input, video) = store.Playable(uid);
            if (input is null && video is null)
            {
                return Results.NotFound();
            }

            var count = video is { State: "live-inprogress" } ? video.LiveViewers(time.GetUtcNow(), settings.ViewerWindow) : 0;
            return Results.Json(input is { Recording.HideLiveViewerCount: true } ? new JsonObject() : new JsonObject { ["liveViewers"] = count });
        }
    }

    private static IResult Lifecycle(string uid, StreamStore store)
    {
        lock (store.Sync)
        {
            if (store.Inputs.TryGetValue(uid, out var input))
            {
                var live = input.IsLive && input.Current is not null;
                return Results.Json(new JsonObject { ["isInput"] = true, ["videoUID"] = live ? input.Current!.Uid : null, ["live"] = live });
            }

            if (store.Videos.TryGetValue(uid, out var video))
            {
                return Results.Json(new JsonObject { ["isInput"] = false, ["videoUID"] = video.Uid, ["live"] = video.State == "live-inprogress" });
            }

            return Results.NotFound();
        }
    }

    /// <summary>A distinct viewer: address and user agent (all test clients share 127.0.0.1).</summary>
    private static string Viewer(HttpContext context) =>
        $"{context.Connection.RemoteIpAddress}|{context.Request.Headers.UserAgent}";
}
