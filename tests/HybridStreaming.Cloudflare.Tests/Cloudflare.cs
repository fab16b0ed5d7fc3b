using HybridStreaming.ProviderTesting;
using Microsoft.Extensions.DependencyInjection;

namespace HybridStreaming.Cloudflare.Tests;

/// <summary>Configuration and wiring the Cloudflare tests share. Secrets are distinctive so a leak is easy to find.</summary>
internal static class Cloudflare
{
    public const string AccountId = "023e105f4ecef8ad9ca31a8372d0c353";
    public const string ApiToken = "API-TOKEN-do-not-log";
    public const string BaseUrl = "http://127.0.0.1:8092/client/v4";
    public const string PlaybackBaseUrl = "http://127.0.0.1:8092/playback";
    public const string WebhookSecret = "WEBHOOK-SECRET-do-not-log";
    public const string NotificationsSecret = "NOTIFICATIONS-SECRET-do-not-log";
    public const string Prefix = "/client/v4/accounts/" + AccountId + "/stream";

    public static Dictionary<string, string?> Configuration(Action<Dictionary<string, string?>>? change = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["CLOUDFLARE_STREAM_ACCOUNT_ID"] = AccountId,
            ["CLOUDFLARE_STREAM_API_TOKEN"] = ApiToken,
            ["CLOUDFLARE_API_BASE_URL"] = BaseUrl,
            ["CLOUDFLARE_STREAM_PLAYBACK_BASE_URL"] = PlaybackBaseUrl,
            ["CLOUDFLARE_STREAM_WEBHOOK_SECRET"] = WebhookSecret,
            ["CLOUDFLARE_NOTIFICATIONS_SECRET"] = NotificationsSecret,
            ["CLOUDFLARE_HTTP:RetryBaseDelay"] = "00:00:00.010",
            ["CLOUDFLARE_HTTP:RetryMaxDelay"] = "00:00:00.040",
            ["CLOUDFLARE_HTTP:BreakerMinimumThroughput"] = "100",
        };
        change?.Invoke(values);
        return values;
    }

    public static ProviderTestHost Host(StubHttpHandler stub, Action<Dictionary<string, string?>>? change = null, TimeProvider? time = null) =>
        new(Configuration(change), (services, configuration) => services.AddCloudflareStreamClient(configuration),
            CloudflareServiceCollectionExtensions.ProviderName, stub, time);

    public static string Envelope(string result) => $$"""{"result":{{result}},"success":true,"errors":[],"messages":[]}""";

    public const string LiveInputJson = """
        {"uid":"66be4bf738797e01e1fca35a7bdecdcd","created":"2014-01-02T02:20:00Z","modified":"2014-01-02T02:20:00Z",
         "meta":{"name":"shop 1"},"enabled":true,"deleteRecordingAfterDays":45,"preferLowLatency":false,"status":null,
         "recording":{"mode":"automatic","timeoutSeconds":10,"requireSignedURLs":false,"allowedOrigins":[],"hideLiveViewerCount":false},
         "rtmps":{"url":"rtmp://127.0.0.1:1935/live/","streamKey":"STREAM-KEY-do-not-log"},
         "rtmpsPlayback":{"url":"rtmps://live.cloudflare.com:443/live/","streamKey":"PLAYBACK-KEY"},
         "srt":{"url":"srt://live.cloudflare.com:778","streamId":"SRT-ID","passphrase":"SRT-PASSPHRASE"},
         "srtPlayback":{"url":"srt://live.cloudflare.com:778","streamId":"SRT-ID-2","passphrase":"SRT-PASSPHRASE-2"},
         "webRTC":{"url":"https://customer-abc.cloudflarestream.com/WEBRTC-SECRET/webRTC/publish"},
         "webRTCPlayback":{"url":"https://customer-abc.cloudflarestream.com/66be4bf738797e01e1fca35a7bdecdcd/webRTC/play"}}
        """;
}
