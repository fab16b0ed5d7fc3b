using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.Emulators.Common;

/// <summary>
/// How an emulator behaves (architecture §8.5): real media or none (<c>EMULATOR_MEDIA=off</c>), prompt
/// and unlimited or with the providers' quotas and timing (<c>EMULATOR_STRICT=on</c>), where it keeps
/// its scratch files and how fast it retries webhooks.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>Run ffmpeg and nginx-rtmp (default). Off: no media process at all, for high-volume orchestration tests.</summary>
    public bool Media { get; init; } = true;

    /// <summary>Enforce the providers' quotas and real status timing.</summary>
    public bool Strict { get; init; }

    /// <summary>Scratch folder (nginx config, HLS, logs); created on start, deleted on stop.</summary>
    public required string ScratchDirectory { get; init; }

    /// <summary>First retry delay of a failed webhook delivery; each further retry waits twice as long.</summary>
    public TimeSpan WebhookRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Failed deliveries are retried this many times (NCS: at most 3).</summary>
    public int WebhookRetries { get; init; } = 3;

    public static EmulatorOptions From(IConfiguration configuration, string emulatorName) => new()
    {
        Media = !IsOff(configuration["EMULATOR_MEDIA"]),
        Strict = IsOn(configuration["EMULATOR_STRICT"]),
        ScratchDirectory = configuration["EMULATOR_SCRATCH_DIR"] is { Length: > 0 } scratch
            ? Path.GetFullPath(scratch)
            : Path.Combine(Path.GetTempPath(), "hybridstreaming-emulators", $"{emulatorName}-{Environment.ProcessId}"),
        WebhookRetryDelay = TimeSpan.FromMilliseconds(Int(configuration, "EMULATOR_WEBHOOK_RETRY_DELAY_MS", 1000)),
        WebhookRetries = Int(configuration, "EMULATOR_WEBHOOK_RETRIES", 3),
    };

    public static bool IsOn(string? value) =>
        value is not null && (value.Equals("on", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1");

    public static bool IsOff(string? value) =>
        value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value == "0");

    public static int Int(IConfiguration configuration, string name, int fallback) => Number(configuration, name, fallback);

    public static double Double(IConfiguration configuration, string name, double fallback) => Number(configuration, name, fallback);

    private static T Number<T>(IConfiguration configuration, string name, T fallback)
        where T : INumber<T> =>
        configuration[name] is not { Length: > 0 } text
            ? fallback
            : T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{name} must be a number, not '{text}'.");

    public override string ToString() =>
        $"media={(Media ? "on" : "off")} strict={(Strict ? "on" : "off")} scratch={ScratchDirectory}";
}
