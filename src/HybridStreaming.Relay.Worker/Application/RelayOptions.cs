namespace HybridStreaming.Relay.Worker.Application;

/// <summary>Timing of the relay tasks (configuration section <c>Relay</c>; retention also as <c>RELAY_INPUT_RETENTION_HOURS</c>).</summary>
public sealed class RelayOptions
{
    /// <summary>
    /// The Channel API's start deadline (<c>RELAY_START_DEADLINE_SECONDS</c>, one setting the AppHost passes
    /// to both): past it the session goes live agora-only.
    /// </summary>
    public TimeSpan StartDeadline { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long after the deadline the relay keeps trying (<c>RELAY_LATE_START_GRACE_SECONDS</c>): a relay
    /// that comes up within it reports started and the session returns to hybrid; after it the relay gives
    /// up and releases what it created.
    /// </summary>
    public TimeSpan LateStartGrace { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How long the relay may take to see media arrive before it gives up: never less than the deadline.</summary>
    public TimeSpan GiveUpAfter => StartDeadline + LateStartGrace;

    /// <summary>
    /// <c>RELAY_START_DEADLINE_SECONDS</c> and <c>RELAY_LATE_START_GRACE_SECONDS</c> over the defaults;
    /// a value that is not a whole number of seconds (1–86,400; the grace may be 0) stops the worker at start.
    /// </summary>
    public void ReadFlatSettings(IConfiguration configuration)
    {
        StartDeadline = Seconds(configuration, "RELAY_START_DEADLINE_SECONDS", StartDeadline, minimum: 1);
        LateStartGrace = Seconds(configuration, "RELAY_LATE_START_GRACE_SECONDS", LateStartGrace, minimum: 0);
    }

    private static TimeSpan Seconds(IConfiguration configuration, string key, TimeSpan fallback, int minimum)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
               && seconds >= minimum && seconds <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"Relay worker configuration is invalid: {key} must be a whole number of seconds from {minimum} to 86400 (got '{raw}').");
    }

    /// <summary>
    /// Between live input status checks while waiting for it to connect, at first. The wait grows with
    /// the time since the go-live (an eighth of it) up to <see cref="MaxConnectPollInterval"/>: media
    /// usually arrives within a few seconds, and a burst of sessions still waiting should not spend the
    /// machine on polls.
    /// </summary>
    public TimeSpan ConnectPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between live input status checks.</summary>
    public TimeSpan MaxConnectPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal TimeSpan ConnectPollAfter(TimeSpan sinceRequested) =>
        TimeSpan.FromTicks(Math.Clamp(sinceRequested.Ticks / 8, ConnectPollInterval.Ticks, Math.Max(ConnectPollInterval.Ticks, MaxConnectPollInterval.Ticks)));

    /// <summary>How long a stopped session's live input is kept before it is deleted (its recording stays a video).</summary>
    public TimeSpan InputRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Agora Media Push converter idle timeout.</summary>
    public int ConverterIdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Attempts to tear down before reporting the relay stopped anyway (with a note for the operator).</summary>
    public int StopAttempts { get; set; } = 8;
}
