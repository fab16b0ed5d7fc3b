using System.Diagnostics.Metrics;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Messaging;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Cost.Api.Infrastructure;

/// <summary>
/// The cost service's metrics (meter <c>HybridStreaming.Cost</c>), read from the ledger every
/// <c>METRICS_SAMPLE_SECONDS</c> (15, <see cref="PeriodicSampler"/>), so they are exact whatever was redelivered or retried:
/// <list type="bullet">
/// <item><c>hybridstreaming.cost.usd</c> — the recorded cost of every session so far (current revisions),
/// by basis: <c>actual</c> (what ran) and <c>agora-only</c> (the same sessions all on Agora). Cost per hour
/// is its rate: <c>rate(hybridstreaming_cost_usd_total{basis="actual"}[1h]) * 3600</c>. A later revision
/// that lowers a session's cost makes it step down, which Prometheus reads as a reset; rare by design;</item>
/// <item><c>hybridstreaming.cost.sessions.provisional</c> — sessions whose ledger is provisional (facts
/// missing past the deadline).</item>
/// </list>
/// </summary>
internal sealed class CostMetrics : PeriodicSampler
{
    public const string MeterName = "HybridStreaming.Cost";

    private readonly IServiceScopeFactory _scopes;
    private volatile Totals? _totals;

    public CostMetrics(IServiceScopeFactory scopes, IMeterFactory meters, IConfiguration configuration, TimeProvider clock, ILogger<CostMetrics> logger)
        : base(configuration, clock, logger)
    {
        _scopes = scopes;
        var meter = meters.Create(MeterName);
        meter.CreateObservableCounter<double>(
            "hybridstreaming.cost.usd",
            () => _totals is { } totals
                ? [new Measurement<double>((double)totals.Actual, new KeyValuePair<string, object?>("basis", "actual")),
                   new Measurement<double>((double)totals.AgoraOnly, new KeyValuePair<string, object?>("basis", "agora-only"))]
                : Array.Empty<Measurement<double>>(),
            description: "Recorded cost of all sessions so far, in USD, by basis: actual (what ran) and agora-only (the same sessions all on Agora).");
        meter.CreateObservableGauge<long>(
            "hybridstreaming.cost.sessions.provisional",
            () => _totals is { } totals ? [new Measurement<long>(totals.Provisional)] : Array.Empty<Measurement<long>>(),
            description: "Sessions whose ledger is provisional: facts were still missing at the deadline.");
    }

    private sealed record Totals(decimal Actual, decimal AgoraOnly, long Provisional);

    protected override string What => "the cost totals";

    protected override async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CostsDbContext>();
        var totals = await db.Sessions.AsNoTracking()
            .Where(s => s.Revision > 0)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Actual = g.Sum(s => s.ActualTotal ?? 0),
                AgoraOnly = g.Sum(s => s.CounterfactualTotal ?? 0),
                Provisional = g.LongCount(s => s.Status == LedgerStatus.Provisional),
            })
            .SingleOrDefaultAsync(cancellationToken);
        _totals = new Totals(totals?.Actual ?? 0, totals?.AgoraOnly ?? 0, totals?.Provisional ?? 0);
    }
}
