namespace HybridStreaming.Relay.Worker.Application;

/// <summary>Timing of the relay tasks (configuration section <c>Relay</c>; retention also as <c>RELAY_INPUT_RETENTION_HOURS</c>).</summary>
public sealed class RelayOptions
{
    /// <summary>How long the relay may take to see media arrive before reporting failure (the Channel API's own deadline is usually shorter).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(45);

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
