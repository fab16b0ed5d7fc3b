namespace HybridStreaming.Recording.Worker.Application;

/// <summary>Timing of the recording tasks (configuration section <c>Recording</c>).</summary>
public sealed class RecordingOptions
{
    /// <summary>How long a recording may take to start before it is reported as failed (it never blocks going live).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Between <c>query</c> calls while the recorder starts (the first one is immediate).</summary>
    public TimeSpan QueryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cloud Recording calls per second from this worker (Agora's quota is 10 per App ID).</summary>
    public int MaxRequestsPerSecond { get; set; } = 10;

    /// <summary>A resourceId is valid five minutes; older ones are acquired again.</summary>
    public TimeSpan ResourceLifetime { get; set; } = TimeSpan.FromMinutes(4.5);

    /// <summary>
    /// Billing tier of what is recorded: the composite is 720×1280 (921,600 px, Agora's HD tier; see
    /// CloudRecordingClient.CreateStartClientRequest).
    /// </summary>
    public HybridStreaming.Contracts.RecordingTier Tier { get; set; } = HybridStreaming.Contracts.RecordingTier.Hd;

    /// <summary>Attempts to confirm a stop before reporting it stopped without files.</summary>
    public int StopAttempts { get; set; } = 8;
}
