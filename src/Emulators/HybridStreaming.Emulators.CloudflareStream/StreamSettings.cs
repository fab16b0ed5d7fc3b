using HybridStreaming.Emulators.Common;

namespace HybridStreaming.Emulators.CloudflareStream;

/// <summary>
/// The emulator's configuration, under the names of architecture §8 (one set of values configures the
/// emulator and the services), with development defaults for every value.
/// </summary>
public sealed class StreamSettings
{
    public const string DevAccountId = "0c1d2e3f405162738495a6b7c8d9eaf0";

    public required string AccountId { get; init; }

    public required string ApiToken { get; init; }

    /// <summary>Key of the <c>Webhook-Signature</c> of the video webhook; returned as <c>secret</c> by <c>GET /stream/webhook</c>.</summary>
    public required string WebhookSecret { get; init; }

    /// <summary>Sent verbatim as <c>cf-webhook-auth</c> with live input notifications.</summary>
    public required string NotificationsSecret { get; init; }

    /// <summary>Where live input notifications go (Cloudflare Notifications webhook destination); none when unset.</summary>
    public Uri? NotificationUrl { get; init; }

    /// <summary>HLS origin: <c>&lt;base&gt;/&lt;uid&gt;/manifest/video.m3u8</c>; the emulator's own address when unset.</summary>
    public string? PlaybackBaseUrl { get; init; }

    /// <summary>Port of the ingest RTMP server (0 = a free one).</summary>
    public int RtmpPort { get; init; }

    public double HlsSegmentSeconds { get; init; } = 1;

    public double HlsWindowSeconds { get; init; } = 6;

    /// <summary>A viewer counts as live while it fetched the playlist or a segment within this window.</summary>
    public TimeSpan ViewerWindow { get; init; } = TimeSpan.FromSeconds(15);

    public static StreamSettings From(IConfiguration configuration) => new()
    {
        AccountId = configuration["CLOUDFLARE_STREAM_ACCOUNT_ID"] is { Length: > 0 } account ? account : DevAccountId,
        ApiToken = configuration["CLOUDFLARE_STREAM_API_TOKEN"] is { Length: > 0 } token ? token : "dev-cloudflare-stream-token",
        WebhookSecret = configuration["CLOUDFLARE_STREAM_WEBHOOK_SECRET"] is { Length: > 0 } secret ? secret : "dev-stream-webhook-secret",
        NotificationsSecret = configuration["CLOUDFLARE_NOTIFICATIONS_SECRET"] is { Length: > 0 } auth ? auth : "dev-notifications-secret",
        NotificationUrl = configuration["CLOUDFLARE_STREAM_NOTIFICATION_URL"] is { Length: > 0 } url ? new Uri(url) : null,
        PlaybackBaseUrl = configuration["CLOUDFLARE_STREAM_PLAYBACK_BASE_URL"] is { Length: > 0 } playback ? playback.TrimEnd('/') : null,
        RtmpPort = EmulatorOptions.Int(configuration, "CLOUDFLARE_EMULATOR_RTMP_PORT", 0),
        HlsSegmentSeconds = EmulatorOptions.Double(configuration, "CLOUDFLARE_EMULATOR_HLS_SEGMENT_SECONDS", 1),
        HlsWindowSeconds = EmulatorOptions.Double(configuration, "CLOUDFLARE_EMULATOR_HLS_WINDOW_SECONDS", 6),
    };
}
