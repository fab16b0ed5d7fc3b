namespace HybridStreaming.Messaging.Outbox;

/// <summary>Tuning of the outbox relay (configuration section <c>Messaging:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Most rows one relay pass takes. A backlog (after a broker outage) drains faster in large passes; see docs/benchmarks.md.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How many aggregates are published concurrently (each aggregate stays in order): publisher confirms in flight.</summary>
    public int MaxConcurrency { get; set; } = 512;

    /// <summary>Fallback poll when no commit notification arrives (the listener is down, or a missed signal).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one publish may wait for the broker's confirm before the row counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest pause between passes while the broker keeps failing.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
