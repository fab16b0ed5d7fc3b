using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Webhooks;

namespace HybridStreaming.Emulators.Agora;

/// <summary>
/// The emulator's configuration, under the names of architecture §8, with development defaults for
/// every value; emulator-only settings start with <c>AGORA_EMULATOR_</c>.
/// </summary>
public sealed class AgoraSettings
{
    public const string DevAppId = "a9e0d1c2b3a4958677869504a3b2c1d0";
    public const string DevAppCertificate = "5c3e7f9a1b2d4c6e8f0a2b4c6d8e0f1a";

    public required string AppId { get; init; }

    public required string AppCertificate { get; init; }

    public required string CustomerId { get; init; }

    public required string CustomerSecret { get; init; }

    public required string NcsSecret { get; init; }

    public Uri? NcsWebhookUrl { get; init; }

    /// <summary>The NCS events the project subscribes to (Console: Notifications → events), as <c>&lt;productId&gt;.&lt;eventType&gt;</c> globs.</summary>
    public WebhookSubscription NcsEvents { get; init; } = WebhookSubscription.All;

    /// <summary>The folder standing for the recording bucket(s): <c>&lt;dir&gt;/&lt;bucket&gt;/&lt;fileNamePrefix…&gt;/</c>.</summary>
    public required string StorageDirectory { get; init; }

    /// <summary>Port of the internal RTMP server the channel sources publish to (0 = a free one).</summary>
    public int RtmpPort { get; init; }

    /// <summary>Keyframe interval of the synthetic source: 1 s allows 1 s HLS segments downstream.</summary>
    public double KeyframeSeconds { get; init; } = 1;

    public int Width { get; init; } = 426;

    public int Height { get; init; } = 240;

    public int FramesPerSecond { get; init; } = 15;

    public double RecordingSegmentSeconds { get; init; } = 2;

    public static AgoraSettings From(IConfiguration configuration) => new()
    {
        AppId = Value(configuration, "AGORA_APP_ID", DevAppId),
        AppCertificate = Value(configuration, "AGORA_APP_CERTIFICATE", DevAppCertificate),
        CustomerId = Value(configuration, "AGORA_CUSTOMER_ID", "dev-customer-id"),
        CustomerSecret = Value(configuration, "AGORA_CUSTOMER_SECRET", "dev-customer-secret"),
        NcsSecret = Value(configuration, "AGORA_NCS_SECRET", "dev-ncs-secret"),
        NcsWebhookUrl = configuration["AGORA_NCS_WEBHOOK_URL"] is { Length: > 0 } url ? new Uri(url) : null,
        NcsEvents = WebhookSubscription.Parse(configuration["AGORA_NCS_EVENTS"]),
        StorageDirectory = Path.GetFullPath(Value(configuration, "AGORA_EMULATOR_STORAGE_DIR", Path.Combine(Environment.CurrentDirectory, "agora-storage"))),
        RtmpPort = EmulatorOptions.Int(configuration, "AGORA_EMULATOR_RTMP_PORT", 0),
        KeyframeSeconds = EmulatorOptions.Double(configuration, "AGORA_EMULATOR_KEYFRAME_SECONDS", 1),
        FramesPerSecond = Math.Clamp(EmulatorOptions.Int(configuration, "AGORA_EMULATOR_FPS", 15), 1, 15),
        RecordingSegmentSeconds = EmulatorOptions.Double(configuration, "AGORA_EMULATOR_RECORDING_SEGMENT_SECONDS", 2),
    };

    private static string Value(IConfiguration configuration, string name, string fallback) =>
        configuration[name] is { Length: > 0 } value ? value : fallback;
}
