using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.CloudflareStream.Domain;

namespace HybridStreaming.Emulators.CloudflareStream.Ingest;

public sealed record PublishDecision(bool Accepted, string Reason);

/// <summary>
/// What happens when an encoder connects to a live input and leaves it: the key and <c>enabled</c>
/// check (the same for nginx's on_publish hook and the no-media HTTP push), the status, the broadcast
/// and its recording, simulcast outputs, notifications; and cutting a publisher when its input is
/// disabled, rotated or deleted.
/// </summary>
public sealed class IngestService(
    StreamStore store,
    EmulatorOptions options,
    StreamNotifier notifier,
    SecretMasker secrets,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<IngestService> logger)
{
    public const string Application = "live";

    /// <summary>nginx-rtmp, while media is on.</summary>
    public NginxRtmpServer? Nginx { get; set; }

    public string HlsRoot => Path.Combine(options.ScratchDirectory, "hls");

    public string VideosRoot => Path.Combine(options.ScratchDirectory, "videos");

    public PublishDecision Publish(string streamKey)
    {
        LiveInput input;
        Video video;
        string eventStatus;
        lock (store.Sync)
        {
            var found = store.ByStreamKey(streamKey);
            if (found is null)
            {
                logger.LogInformation("Publish refused: unknown or rotated stream key");
                return new PublishDecision(false, "unknown or rotated stream key");
            }

            if (!found.Enabled)
            {
                logger.LogInformation("Publish to live input {Uid} refused: the input is disabled", found.Uid);
                return new PublishDecision(false, "the live input is disabled");
            }

            if (found.IsLive)
            {
                logger.LogInformation("Publish to live input {Uid} refused: another encoder is connected", found.Uid);
                return new PublishDecision(false, "another encoder is already connected to this live input");
            }

            input = found;
            var now = time.GetUtcNow();
            if (input.Current is { } waiting)
            {
                // Back within the reconnect window: the same broadcast (and recording) goes on.
                input.FinishTimer?.Cancel();
                input.FinishTimer = null;
                waiting.PendingDiscontinuity = true;
                video = waiting;
                eventStatus = "reconnected";
            }
            else
            {
                var uid = Ids.Hex32();
                video = new Video
                {
                    Uid = uid,
                    LiveInputUid = input.Uid,
                    Created = now,
                    Modified = now,
                    Folder = Path.Combine(VideosRoot, uid),
                    Meta = (JsonObject)input.Meta.DeepClone(),
                    Creator = input.DefaultCreator,
                    RequireSignedUrls = input.Recording.RequireSignedUrls,
                    AllowedOrigins = [.. input.Recording.AllowedOrigins],
                    DeleteRecordingAfterDays = input.DeleteRecordingAfterDays,
                };
                Directory.CreateDirectory(video.Folder);
                input.Current = video;
                if (input.Recording.Mode == "automatic")
                {
                    // With recording off Cloudflare offers no playback and keeps no video.
                    store.Videos[uid] = video;
                }

                eventStatus = "connected";
            }

            input.PublishingKey = streamKey;
            input.Status = eventStatus;
            input.Modified = now;
            video.Modified = now;
            if (options.Media)
            {
                // nginx numbers fragments from 0 for each publish: start from an empty folder.
                var folder = Path.Combine(HlsRoot, streamKey);
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }

        logger.LogInformation("Live input {Uid} {Status} (video {VideoUid})", input.Uid, eventStatus, video.Uid);
        notifier.LiveInputEvent(input.Uid, "live_input.connected");
        if (options.Media)
        {
            _ = Task.Run(() => RecordSegmentsAsync(input, video, streamKey));
            StartOutputs(input);
        }

        return new PublishDecision(true, eventStatus);
    }

    /// <summary>The publisher using this key went away (nginx on_publish_done, or the no-media unpublish).</summary>
    public bool Unpublish(string streamKey)
    {
        LiveInput? input;
        lock (store.Sync)
        {
            input = store.Inputs.Values.FirstOrDefault(i => i.PublishingKey == streamKey);
            if (input is null)
            {
                return false;
            }

            Disconnected(input, TimeSpan.FromSeconds(input.Recording.TimeoutSeconds));
        }

        return true;
    }

    /// <summary>
    /// A deleted input: its broadcast ends at once (its recording stays a video), then a publisher still
    /// connected is cut — nginx's on_publish_done then finds nothing left to do.
    /// </summary>
    public async Task RemoveAsync(LiveInput input)
    {
        string? key;
        lock (store.Sync)
        {
            store.Inputs.Remove(input.Uid);
            key = input.PublishingKey;
            if (key is not null)
            {
                Disconnected(input, TimeSpan.Zero);
            }

            foreach (var output in input.Outputs)
            {
                StopOutput(output);
            }
        }

        if (key is not null && Nginx is { } nginx)
        {
            await nginx.DropPublisherAsync(Application, key);
        }
    }

    /// <summary>Inside the lock: status, notification, outputs stopped; the broadcast ends after <paramref name="reconnectWindow"/>.</summary>
    private void Disconnected(LiveInput input, TimeSpan reconnectWindow)
    {
        input.PublishingKey = null;
        input.Status = "client_disconnect";
        input.Modified = time.GetUtcNow();
        var timer = new CancellationTokenSource();
        input.FinishTimer = timer;
        var video = input.Current!;
        _ = Task.Run(async () =>
        {
            try
            {
                // The last fragment is written when the publisher leaves; give the recorder a moment for it.
                await Task.Delay(reconnectWindow + TimeSpan.FromMilliseconds(options.Media ? 800 : 0), timer.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Finish(input, video);
        });
        logger.LogInformation("Live input {Uid} disconnected", input.Uid);
        foreach (var output in input.Outputs)
        {
            StopOutput(output);
        }

        notifier.LiveInputEvent(input.Uid, "live_input.disconnected");
    }

    /// <summary>Cuts the current publisher (input disabled, keys rotated, input deleted).</summary>
    public async Task DisconnectAsync(LiveInput input)
    {
        string? key;
        lock (store.Sync)
        {
            key = input.PublishingKey;
        }

        if (key is null)
        {
            return;
        }

        if (Nginx is { } nginx)
        {
            // nginx calls on_publish_done, which runs Unpublish.
            if (await nginx.DropPublisherAsync(Application, key))
            {
                return;
            }
        }

        Unpublish(key);
    }

    public void StartOutputs(LiveInput input)
    {
        if (Nginx is null)
        {
            return;
        }

        lock (store.Sync)
        {
            if (input.PublishingKey is not { } key)
            {
                return;
            }

            foreach (var output in input.Outputs.Where(o => o.Enabled && o.Forwarder is null))
            {
                secrets.Add(output.StreamKey);
                var target = output.Url.TrimEnd('/') + "/" + output.StreamKey;
                output.Forwarder = RtmpForwarder.Start(
                    "output-" + output.Uid[..8], Nginx.Url(Application, key), target, [key, output.StreamKey], logger, secrets,
                    state => logger.LogInformation("Output {OutputUid} of live input {Uid}: {State}", output.Uid, input.Uid, state));
            }
        }
    }

    public void StopOutput(LiveOutput output)
    {
        var forwarder = output.Forwarder;
        output.Forwarder = null;
        if (forwarder is not null)
        {
            _ = forwarder.DisposeAsync().AsTask();
        }
    }

    private void Finish(LiveInput input, Video video)
    {
        lock (store.Sync)
        {
            if (input.Current != video || input.IsLive)
            {
                return;
            }

            input.Current = null;
            input.FinishTimer = null;
            var now = time.GetUtcNow();
            video.Modified = now;
            if (!store.Videos.ContainsKey(video.Uid))
            {
                TryDelete(video.Folder);
                return;
            }

            video.State = "ready";
            video.ReadyAt = now;
        }

        logger.LogInformation("Recording {VideoUid} of live input {Uid} is ready ({Duration:0.0} s)", video.Uid, input.Uid, video.Duration);
        notifier.VideoFinished(video);
    }

    /// <summary>
    /// Follows nginx's live playlist for this publish and copies each finished fragment into the
    /// broadcast's folder: the live window and the recording are both served from there, so the
    /// recording survives reconnects (numbered on, with a discontinuity) and key rotation.
    /// </summary>
    private async Task RecordSegmentsAsync(LiveInput input, Video video, string streamKey)
    {
        var folder = Path.Combine(HlsRoot, streamKey);
        var playlist = Path.Combine(folder, "index.m3u8");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stopping = lifetime.ApplicationStopping;
        var finalPass = false;
        while (!stopping.IsCancellationRequested)
        {
            bool live;
            lock (store.Sync)
            {
                live = input.PublishingKey == streamKey && input.Current == video;
            }

            if (!live && !finalPass)
            {
                // One more pass after the publisher left picks up the last fragment nginx closed.
                finalPass = true;
                await Task.Delay(300, CancellationToken.None);
            }

            try
            {
                if (File.Exists(playlist))
                {
                    foreach (var (file, duration) in Playlists.Parse(await File.ReadAllTextAsync(playlist, stopping)))
                    {
                        if (seen.Add(file) && File.Exists(Path.Combine(folder, file)))
                        {
                            var name = $"seg_{video.Segments.Count:00000}.ts";
                            File.Copy(Path.Combine(folder, file), Path.Combine(video.Folder, name), overwrite: true);
                            var discontinuity = video.PendingDiscontinuity;
                            video.PendingDiscontinuity = false;
                            video.AddSegment(new Segment(name, duration, discontinuity));
                            CheckGop(input, video);
                        }
                    }
                }
            }
            catch (IOException exception)
            {
                logger.LogDebug("Reading the live playlist of {Uid}: {Error}", input.Uid, exception.Message);
            }

            if (finalPass)
            {
                return;
            }

            try
            {
                await Task.Delay(250, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Strict mode: Cloudflare wants a closed GOP of 2–10 s. nginx cuts fragments at keyframes once the
    /// fragment length is reached, so fragments of about one keyframe interval tell the GOP.
    /// </summary>
    private void CheckGop(LiveInput input, Video video)
    {
        var segments = video.Segments;
        if (!options.Strict || video.GopChecked || segments.Count < 4)
        {
            return;
        }

        video.GopChecked = true;
        var durations = segments.Take(segments.Count - 1).Skip(1).Select(s => s.Duration).Order().ToList();
        var gop = durations[durations.Count / 2];
        if (gop is >= 1.9 and <= 10.5)
        {
            return;
        }

        logger.LogInformation("Live input {Uid}: keyframe interval about {Gop:0.0} s is outside 2–10 s", input.Uid, gop);
        notifier.LiveInputEvent(input.Uid, "live_input.errored", new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "ERR_GOP_OUT_OF_RANGE",
                ["message"] = $"The keyframe interval ({gop:0.0} s) is outside the supported range of 2 to 10 seconds.",
            },
            ["video_codec"] = "h264",
            ["audio_codec"] = "aac",
        });
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
