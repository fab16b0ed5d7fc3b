using System.Diagnostics.Metrics;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Messaging;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Infrastructure;

/// <summary>
/// The Channel API's business metrics (meter <c>HybridStreaming.Channels</c>; Prometheus names in
/// docs/monitoring.md):
/// <list type="bullet">
/// <item>counted as they happen, once per committed change (so a retried save counts once): go-live
/// latency by mode, fallbacks to Agora by cause, heartbeats and viewer-minutes by delivery path — each
/// replica counts its own, so sum them;</item>
/// <item>gauges of the whole platform, read every <c>METRICS_SAMPLE_SECONDS</c> by
/// <see cref="ChannelsMetricsSampler"/>: live sessions by mode, stuck sessions, current viewers — every
/// replica reports the same values, so take the max, not the sum.</item>
/// </list>
/// </summary>
public sealed class ChannelsMetrics
{
    public const string MeterName = "HybridStreaming.Channels";

    private static readonly KeyValuePair<string, object?> Hls = new("path", "hls");
    private static readonly KeyValuePair<string, object?> Agora = new("path", "agora");

    private readonly Histogram<double> _goLive;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _heartbeats;
    private readonly Counter<double> _viewerMinutes;
    private volatile Snapshot? _snapshot;

    public ChannelsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _goLive = meter.CreateHistogram<double>(
            "hybridstreaming.golive.duration", unit: "s", description: "From the seller's go-live request to the session going live, by the mode it went live in.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 120] });
        _fallbacks = meter.CreateCounter<long>(
            "hybridstreaming.fallbacks", description: "Sessions whose buyers were moved to Agora because the CDN path failed, by reason: relay-failed, deadline, input-disconnected.");
        _heartbeats = meter.CreateCounter<long>(
            "hybridstreaming.viewer.heartbeats", description: "Viewer heartbeats counted, by delivery path (hls, agora).");
        _viewerMinutes = meter.CreateCounter<double>(
            "hybridstreaming.viewer.minutes", description: "Minutes watched, by delivery path, as presence counts them (added at each heartbeat).");
        // Every known series from the start, at zero: Prometheus cannot see a counter's first increment
        // (there is no earlier sample to compare with), and a rare fallback would otherwise go unnoticed.
        foreach (var cause in new[] { FallbackCause.RelayFailed, FallbackCause.Deadline, FallbackCause.InputDisconnected })
        {
            _fallbacks.Add(0, new KeyValuePair<string, object?>("reason", cause));
        }

        foreach (var path in new[] { Hls, Agora })
        {
            _heartbeats.Add(0, path);
            _viewerMinutes.Add(0, path);
        }

        meter.CreateObservableGauge<long>(
            "hybridstreaming.sessions.live",
            () => _snapshot is { } s ? [new Measurement<long>(s.LiveHybrid, new KeyValuePair<string, object?>("mode", "hybrid")), new Measurement<long>(s.LiveAgoraOnly, new KeyValuePair<string, object?>("mode", "agora-only"))] : Array.Empty<Measurement<long>>(),
            description: "Sessions live now, by mode (the same on every replica).");
        meter.CreateObservableGauge<long>(
            "hybridstreaming.sessions.stuck",
            () => _snapshot is { } s ? [new Measurement<long>(s.StuckStarting, new KeyValuePair<string, object?>("state", "starting")), new Measurement<long>(s.StuckStopping, new KeyValuePair<string, object?>("state", "stopping"))] : Array.Empty<Measurement<long>>(),
            description: "Sessions still starting or stopping more than STUCK_SESSION_SECONDS past their deadline (the same on every replica).");
        meter.CreateObservableGauge<long>(
            "hybridstreaming.viewers.current",
            () => _snapshot is { Viewers: { } viewers } ? [new Measurement<long>(viewers)] : Array.Empty<Measurement<long>>(),
            description: "Viewers watching live sessions now, by presence (the same on every replica; absent while Redis cannot be read).");
    }

    /// <summary>The gauges' values, read by <see cref="ChannelsMetricsSampler"/>.</summary>
    public sealed record Snapshot(long LiveHybrid, long LiveAgoraOnly, long StuckStarting, long StuckStopping, long? Viewers);

    public Snapshot? Current => _snapshot;

    internal void Update(Snapshot snapshot) => _snapshot = snapshot;

    /// <summary>A counted heartbeat and the watching time it added (zero for a viewer's first beat, or after a gap longer than the presence window).</summary>
    public void Heartbeat(DeliveryPath path, long millisecondsAdded)
    {
        var tag = path == DeliveryPath.Hls ? Hls : Agora;
        _heartbeats.Add(1, tag);
        if (millisecondsAdded > 0)
        {
            _viewerMinutes.Add(millisecondsAdded / 60_000d, tag);
        }
    }

    /// <summary>What a session's committed change did that the counters count.</summary>
    internal readonly record struct Committed(DateTimeOffset StartedAt, IReadOnlyList<IIntegrationEvent> Events, IReadOnlyList<string> FallbackCauses);

    /// <summary>Counts the changes of a save once it commits (see <see cref="ChannelsDbContext"/>).</summary>
    internal void Record(IEnumerable<Committed> changes)
    {
        foreach (var change in changes)
        {
            foreach (var wentLive in change.Events.OfType<StreamWentLive>())
            {
                _goLive.Record(
                    Math.Max(0, (wentLive.OccurredAt - change.StartedAt).TotalSeconds),
                    new KeyValuePair<string, object?>("mode", wentLive.Mode == StreamMode.Hybrid ? "hybrid" : "agora-only"));
            }

            foreach (var cause in change.FallbackCauses)
            {
                _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", cause));
            }
        }
    }
}

/// <summary>
/// Reads the platform-wide gauges of <see cref="ChannelsMetrics"/> every <c>METRICS_SAMPLE_SECONDS</c>
/// (<see cref="PeriodicSampler"/>): one query over the active sessions and one pipelined Redis read of
/// their viewer counts.
/// </summary>
internal sealed class ChannelsMetricsSampler(
    IServiceScopeFactory scopes,
    ChannelsMetrics metrics,
    ViewerPresence presence,
    ChannelsOptions options,
    IConfiguration configuration,
    TimeProvider clock,
    ILogger<ChannelsMetricsSampler> logger) : PeriodicSampler(configuration, clock, logger)
{
    protected override string What => "the session gauges";

    protected override async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var stuckBefore = Clock.GetUtcNow() - options.StuckAfter;
        var active = await db.Sessions.AsNoTracking()
            .Where(StreamSession.Active)
            .Select(s => new
            {
                s.Id,
                s.State,
                s.Mode,
                Stuck = (s.State == SessionState.Starting && s.StartDeadline < stuckBefore)
                    || (s.State == SessionState.Stopping && s.StopDeadline < stuckBefore),
            })
            .ToListAsync(cancellationToken);

        var live = active.Where(s => s.State == SessionState.Live).ToList();
        var counts = await presence.CountsAsync([.. live.Select(s => s.Id)]);
        metrics.Update(new ChannelsMetrics.Snapshot(
            live.Count(s => s.Mode == StreamMode.Hybrid),
            live.Count(s => s.Mode == StreamMode.AgoraOnly),
            active.Count(s => s.Stuck && s.State == SessionState.Starting),
            active.Count(s => s.Stuck && s.State == SessionState.Stopping),
            counts?.Values.Sum(c => (long)c.Current)));
    }
}
