using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.Agora.Channels;
using HybridStreaming.Emulators.Agora.Notifications;

namespace HybridStreaming.Emulators.Agora.MediaPush;

/// <summary>
/// Media Push converters. While its channel has media (raw: while its uid broadcasts) a converter pushes
/// it to <c>rtmpUrl</c> with <c>ffmpeg -c copy</c>: <c>connecting → running</c> once the target takes the
/// stream, <c>failed</c> when it refuses or drops it. With media off the push is an HTTP call to the
/// Cloudflare emulator's <c>/__emulator/rtmp/publish</c> at the host and port of <c>rtmpUrl</c>. No media for
/// <c>idleTimeout</c> seconds destroys the converter ("Idle Timeout"). NCS: 1 created, 2 config changed,
/// 3 state changed, 4 destroyed.
/// </summary>
public sealed class MediaPushService
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ChannelRegistry _channels;
    private readonly ChannelMedia _media;
    private readonly NcsNotifier _ncs;
    private readonly EmulatorOptions _options;
    private readonly SecretMasker _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger<MediaPushService> _logger;

    public MediaPushService(ChannelRegistry channels, ChannelMedia media, NcsNotifier ncs, EmulatorOptions options, SecretMasker secrets, TimeProvider time, ILogger<MediaPushService> logger)
    {
        _channels = channels;
        _media = media;
        _ncs = ncs;
        _options = options;
        _secrets = secrets;
        _time = time;
        _logger = logger;
        channels.Changed += Reconcile;
    }

    public Dictionary<string, Converter> Converters { get; } = new(StringComparer.Ordinal);

    public long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Inside the lock: registers the converter, NCS 1, and starts pushing if its stream is there.</summary>
    public void Create(Converter converter)
    {
        Converters[converter.Id] = converter;
        _secrets.Add(StreamKeyOf(converter.RtmpUrl));
        Notify(1, converter, null);
        Reconcile(converter.RtcChannel);
    }

    /// <summary>Inside the lock: a new rtmpUrl restarts the push.</summary>
    public void Updated(Converter converter, string fields, bool urlChanged)
    {
        _secrets.Add(StreamKeyOf(converter.RtmpUrl));
        Notify(2, converter, fields);
        if (urlChanged)
        {
            StopPush(converter);
            if (converter.State == "failed")
            {
                SetState(converter, "connecting");
            }
        }

        Reconcile(converter.RtcChannel);
    }

    /// <summary>Inside the lock: stops pushing and forgets the converter (NCS 4).</summary>
    public void Destroy(Converter converter, string reason)
    {
        if (converter.Deleted)
        {
            return;
        }

        converter.Deleted = true;
        converter.IdleTimer?.Cancel();
        StopPush(converter);
        Converters.Remove(converter.Id);
        Notify(4, converter, null, reason);
        _logger.LogInformation("Converter {Id} ({Name}) destroyed: {Reason}", converter.Id, converter.Name, reason);
    }

    public IReadOnlyList<RtmpForwarder> ActiveForwarders() => [.. Converters.Values.Select(c => c.Forwarder).OfType<RtmpForwarder>()];

    private void Reconcile(string cname)
    {
        var channel = _channels.Find(cname);
        foreach (var converter in Converters.Values.Where(c => c.RtcChannel == cname).ToList())
        {
            var hasStream = channel is { MediaLive: true }
                && (converter.RtcStreamUid is { } uid ? channel.Broadcasters.ContainsKey(uid) : channel.Broadcasters.Count > 0);
            if (hasStream)
            {
                converter.IdleTimer?.Cancel();
                converter.IdleTimer = null;
                if (converter.State != "failed" && converter.Forwarder is null && !converter.HttpPushing)
                {
                    StartPush(converter, channel!);
                }
            }
            else
            {
                if (converter.Forwarder is not null || converter.HttpPushing)
                {
                    StopPush(converter);
                    if (converter.State == "running")
                    {
                        SetState(converter, "connecting");
                    }
                }

                converter.IdleTimer ??= StartIdleTimer(converter);
            }
        }
    }

    private void StartPush(Converter converter, Channel channel)
    {
        if (!_options.Media)
        {
            converter.HttpPushing = true;
            _ = PushOverHttpAsync(converter, converter.RtmpUrl);
            return;
        }

        if (_media.Nginx is null)
        {
            return;
        }

        RtmpForwarder? forwarder = null;
        forwarder = RtmpForwarder.Start(
            "converter-" + converter.Id[..8], _media.SourceUrl(channel), converter.RtmpUrl, [StreamKeyOf(converter.RtmpUrl)], _logger, _secrets,
            state =>
            {
                lock (_channels.Sync)
                {
                    if (converter.Forwarder != forwarder || converter.Deleted)
                    {
                        return;
                    }

                    switch (state)
                    {
                        case ForwarderState.Running:
                            SetState(converter, "running");
                            break;
                        case ForwarderState.Failed:
                            converter.Forwarder = null;
                            SetState(converter, "failed");
                            break;
                        case ForwarderState.Ended:
                            converter.Forwarder = null;
                            if (converter.State == "running")
                            {
                                SetState(converter, "connecting");
                            }

                            Reconcile(converter.RtcChannel);
                            break;
                    }
                }
            });
        converter.Forwarder = forwarder;
    }

    private void StopPush(Converter converter)
    {
        if (converter.Forwarder is { } forwarder)
        {
            converter.Forwarder = null;
            _ = forwarder.DisposeAsync().AsTask();
        }

        if (converter.HttpPushing)
        {
            converter.HttpPushing = false;
            _ = UnpublishOverHttpAsync(converter.RtmpUrl);
        }
    }

    /// <summary>Media off: "rtmp://host:port/live/KEY" → POST http://host:port/__emulator/rtmp/publish {"streamKey": "KEY"}.</summary>
    private async Task PushOverHttpAsync(Converter converter, string rtmpUrl)
    {
        bool accepted;
        try
        {
            using var response = await Http.PostAsJsonAsync(PushEndpoint(rtmpUrl, "publish"), new { streamKey = StreamKeyOf(rtmpUrl) });
            accepted = response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            accepted = false;
        }

        lock (_channels.Sync)
        {
            if (converter.Deleted || !converter.HttpPushing || converter.RtmpUrl != rtmpUrl)
            {
                if (accepted)
                {
                    _ = UnpublishOverHttpAsync(rtmpUrl);
                }

                return;
            }

            converter.HttpPushing = accepted;
            SetState(converter, accepted ? "running" : "failed");
        }
    }

    private static async Task UnpublishOverHttpAsync(string rtmpUrl)
    {
        try
        {
            using var response = await Http.PostAsJsonAsync(PushEndpoint(rtmpUrl, "unpublish"), new { streamKey = StreamKeyOf(rtmpUrl) });
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            // The target is gone; nothing is being pushed to it any more anyway.
        }
    }

    private static Uri PushEndpoint(string rtmpUrl, string action)
    {
        var uri = new Uri(rtmpUrl);
        return new Uri($"http://{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 1935 : uri.Port)}/__emulator/rtmp/{action}");
    }

    public static string StreamKeyOf(string rtmpUrl) => rtmpUrl.TrimEnd('/').Split('/').Last();

    private CancellationTokenSource StartIdleTimer(Converter converter)
    {
        var timer = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(converter.IdleTimeout), timer.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (_channels.Sync)
            {
                if (converter.IdleTimer == timer)
                {
                    Destroy(converter, "Idle Timeout");
                }
            }
        });
        return timer;
    }

    private void SetState(Converter converter, string state)
    {
        if (converter.State == state)
        {
            return;
        }

        converter.State = state;
        converter.UpdateTs = Now;
        _logger.LogInformation("Converter {Id} ({Name}) is {State}", converter.Id, converter.Name, state);
        Notify(3, converter, "state");
    }

    private void Notify(int eventType, Converter converter, string? fields, string? destroyReason = null)
    {
        var payload = new JsonObject
        {
            ["converter"] = new JsonObject
            {
                ["id"] = converter.Id,
                ["name"] = converter.Name,
                ["createTs"] = converter.CreateTs,
                ["updateTs"] = converter.UpdateTs,
                ["state"] = converter.State,
            },
            ["lts"] = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (fields is not null)
        {
            payload["fields"] = fields;
        }

        if (destroyReason is not null)
        {
            payload["destroyReason"] = destroyReason;
        }

        _ncs.Send(NcsNotifier.MediaPushProduct, eventType, payload);
    }
}
