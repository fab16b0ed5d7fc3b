using System.Diagnostics.Metrics;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Messaging.Outbox;

/// <summary>
/// The outbox's backlog as gauges: <c>hybridstreaming.outbox.backlog</c> (messages committed and not yet
/// confirmed by the broker) and <c>hybridstreaming.outbox.oldest.age</c> (seconds since the oldest of
/// them was committed). Read every <c>METRICS_SAMPLE_SECONDS</c> (15) with one query, so a scrape costs
/// nothing (<see cref="PeriodicSampler"/>). A backlog that grows, or an oldest message that keeps ageing, means the relay cannot publish
/// (the broker is down, or a message is refused): docs/runbook.md's outbox alerts.
/// </summary>
public sealed class OutboxBacklog<TDbContext> : PeriodicSampler
    where TDbContext : DbContext
{
    private readonly ServiceDatabase<TDbContext> _database;
    private volatile Sample? _sample;

    public OutboxBacklog(ServiceDatabase<TDbContext> database, IMeterFactory meters, IConfiguration configuration, TimeProvider clock, ILogger<OutboxBacklog<TDbContext>> logger)
        : base(configuration, clock, logger)
    {
        _database = database;
        var meter = meters.Create(Telemetry.Name);
        meter.CreateObservableGauge<long>(
            "hybridstreaming.outbox.backlog",
            () => _sample is { } sample ? [new Measurement<long>(sample.Messages)] : Array.Empty<Measurement<long>>(),
            description: "Outbox messages committed and not yet confirmed by the broker.");
        meter.CreateObservableGauge<double>(
            "hybridstreaming.outbox.oldest.age",
            () => _sample is { } sample ? [new Measurement<double>(sample.OldestAgeSeconds)] : Array.Empty<Measurement<double>>(),
            unit: "s",
            description: "Seconds since the oldest unpublished outbox message was committed (0 when the outbox is empty).");
    }

    private sealed record Sample(long Messages, double OldestAgeSeconds);

    protected override string What => "the outbox backlog";

    protected override async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = _database.DataSource.CreateCommand(
            $"SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at))::float8, 0) FROM {MessagingModelBuilderExtensions.OutboxTable}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        _sample = new Sample(reader.GetInt64(0), Math.Max(0, reader.GetDouble(1)));
    }
}
