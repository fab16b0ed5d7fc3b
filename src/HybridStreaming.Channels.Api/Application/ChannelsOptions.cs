using HybridStreaming.Channels.Api.Domain;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>
/// Deadlines and the hybrid rollout, from the flat configuration names of architecture §8.4
/// (<c>RELAY_START_DEADLINE_SECONDS</c>, <c>STOP_DEADLINE_SECONDS</c>, <c>SELLER_GRACE_SECONDS</c>, <c>HYBRID_MAX_MODE_SWITCHES</c>,
/// <c>HYBRID_ENABLED</c>, <c>HYBRID_ROLLOUT_PERCENT</c>, <c>HYBRID_ALLOW_CHANNELS</c>, <c>HYBRID_DENY_CHANNELS</c>),
/// and viewer presence (<c>VIEWER_HEARTBEAT_SECONDS</c>, <c>VIEWER_PRESENCE_WINDOW_SECONDS</c>).
/// </summary>
public sealed class ChannelsOptions
{
    public TimeSpan StartDeadline { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan StopDeadline { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan SellerGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the deadline sweeper looks for due timers.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Lifetime of RTC tokens handed out by <c>rtc-token</c>.</summary>
    public TimeSpan RtcTokenLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How often a playing buyer's player sends a heartbeat (told to players in each answer).</summary>
    public TimeSpan ViewerHeartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A viewer counts as watching while their last heartbeat is at most this old.</summary>
    public TimeSpan PresenceWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a session's buyers may be moved between HLS and Agora (<c>HYBRID_MAX_MODE_SWITCHES</c>):
    /// past it a session that fell back stays on Agora even when its relay comes up. A failing CDN path
    /// always moves buyers to Agora.
    /// </summary>
    public int MaxModeSwitches { get; init; } = 4;

    /// <summary>A session still starting or stopping this long past its deadline counts as stuck (the sweeper should have moved it).</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromSeconds(60);

    public HybridRolloutPolicy Rollout { get; init; } = new(true, 100, new HashSet<Guid>(), new HashSet<Guid>());

    public static ChannelsOptions From(IConfiguration configuration)
    {
        var problems = new List<string>();
        var options = new ChannelsOptions
        {
            StartDeadline = Seconds(configuration, "RELAY_START_DEADLINE_SECONDS", 20, problems),
            StopDeadline = Seconds(configuration, "STOP_DEADLINE_SECONDS", 60, problems),
            SellerGrace = Seconds(configuration, "SELLER_GRACE_SECONDS", 30, problems),
            SweepInterval = TimeSpan.FromMilliseconds(Number(configuration, "DEADLINE_SWEEP_INTERVAL_MS", 500, 50, 60_000, problems)),
            RtcTokenLifetime = Seconds(configuration, "RTC_TOKEN_LIFETIME_SECONDS", 7200, problems),
            ViewerHeartbeat = Seconds(configuration, "VIEWER_HEARTBEAT_SECONDS", 10, problems),
            PresenceWindow = Seconds(configuration, "VIEWER_PRESENCE_WINDOW_SECONDS", 30, problems),
            MaxModeSwitches = Number(configuration, "HYBRID_MAX_MODE_SWITCHES", 4, 0, 100, problems),
            StuckAfter = Seconds(configuration, "STUCK_SESSION_SECONDS", 60, problems),
            Rollout = new HybridRolloutPolicy(
                Flag(configuration, "HYBRID_ENABLED", true, problems),
                Number(configuration, "HYBRID_ROLLOUT_PERCENT", 100, 0, 100, problems),
                Ids(configuration, "HYBRID_ALLOW_CHANNELS", problems),
                Ids(configuration, "HYBRID_DENY_CHANNELS", problems)),
        };
        if (options.PresenceWindow <= options.ViewerHeartbeat)
        {
            problems.Add($"VIEWER_PRESENCE_WINDOW_SECONDS ({options.PresenceWindow.TotalSeconds:0}) must be longer than VIEWER_HEARTBEAT_SECONDS ({options.ViewerHeartbeat.TotalSeconds:0}), or every viewer would flicker out between beats");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Channel API configuration is invalid: " + string.Join("; ", problems) + ".");
        }

        return options;
    }

    private static TimeSpan Seconds(IConfiguration configuration, string key, int fallback, List<string> problems) =>
        TimeSpan.FromSeconds(Number(configuration, key, fallback, 1, 86_400, problems));

    private static int Number(IConfiguration configuration, string key, int fallback, int min, int max, List<string> problems)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{key} must be a whole number from {min} to {max} (got '{raw}')");
        return fallback;
    }

    private static bool Flag(IConfiguration configuration, string key, bool fallback, List<string> problems)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        if (bool.TryParse(raw, out var value))
        {
            return value;
        }

        problems.Add($"{key} must be true or false (got '{raw}')");
        return fallback;
    }

    private static HashSet<Guid> Ids(IConfiguration configuration, string key, List<string> problems)
    {
        var ids = new HashSet<Guid>();
        foreach (var part in (configuration[key] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Guid.TryParse(part, out var id))
            {
                ids.Add(id);
            }
            else
            {
                problems.Add($"{key} must list channel ids (GUIDs) separated by commas ('{part}' is not one)");
            }
        }

        return ids;
    }
}
