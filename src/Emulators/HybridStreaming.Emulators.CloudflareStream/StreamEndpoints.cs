using HybridStreaming.Emulators.Common;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HybridStreaming.Emulators.CloudflareStream;

/// <summary>The addresses the emulator hands out: RTMP ingest and HLS playback.</summary>
public sealed class StreamEndpoints(StreamSettings settings, EmulatorOptions options, IServer server)
{
    /// <summary>The port of the nginx ingest server (media on), set when it has started.</summary>
    public int IngestRtmpPort { get; set; }

    /// <summary>The emulator's own HTTP address, e.g. http://127.0.0.1:8092.</summary>
    public Uri Self
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:8092";
            var uri = new Uri(address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal));
            return uri;
        }
    }

    /// <summary>
    /// <c>rtmps.url</c>: really <c>rtmp://127.0.0.1:&lt;port&gt;/live/</c>. With media the port is nginx-rtmp's;
    /// without, it is the emulator's HTTP port, whose <c>/__emulator/rtmp/publish</c> stands in for a push.
    /// </summary>
    public string IngestUrl => $"rtmp://127.0.0.1:{(options.Media ? IngestRtmpPort : Self.Port)}/live/";

    public string PlaybackBase => settings.PlaybackBaseUrl ?? Self.GetLeftPart(UriPartial.Authority);

    public string Hls(string uid) => $"{PlaybackBase}/{uid}/manifest/video.m3u8";

    public string Dash(string uid) => $"{PlaybackBase}/{uid}/manifest/video.mpd";
}
