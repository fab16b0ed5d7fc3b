namespace HybridStreaming.Relay.Worker.Application;

/// <summary>Timing of the relay tasks (configuration section <c>Relay</c>; retention also as <c>RELAY_INPUT_RETENTION_HOURS</c>).</summary>
public sealed class RelayOptions
{
    /// <summary>How long the relay may take to see media arrive before reporting failure (the Channel API's own deadline is usually shorter).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Between live input status checks while waiting for it to connect.</summary>
    public TimeSpan ConnectPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a stopped session's live input is kept before it is deleted (its recording stays a video).</summary>
    public TimeSpan InputRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Agora Media Push converter idle timeout.</summary>
    public int ConverterIdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Attempts to tear down before reporting the relay stopped anyway (with a note for the operator).</summary>
    public int StopAttempts { get; set; } = 8;
}
