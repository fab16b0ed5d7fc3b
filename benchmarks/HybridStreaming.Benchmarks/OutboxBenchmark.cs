using System.Collections.Concurrent;
using System.Diagnostics;
using HybridStreaming.Contracts;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Benchmarks;

public sealed record BenchEvent(Guid SessionId, Guid ChannelId, DateTimeOffset OccurredAt, long Number) : IIntegrationEvent;

public sealed class BenchDbContext(DbContextOptions<BenchDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
}

/// <summary>When each event reached a consumer (after the inbox claimed it), by event number.</summary>
public sealed class Arrivals
{
    public ConcurrentDictionary<long, long> Timestamps { get; } = new();
}

public sealed class BenchConsumer(Arrivals arrivals) : IConsumer<BenchEvent>
{
    public Task Consume(ConsumeContext<BenchEvent> context)
    {
        arrivals.Timestamps.TryAdd(context.Message.Number, Stopwatch.GetTimestamp());
        return Task.CompletedTask;
    }
}

/// <summary>
/// The outbox relay on real Postgres and RabbitMQ, wired as the services wire it (inbox transaction per
/// consumed message included). Throughput: a backlog of events committed at once, until the relay has
/// published and deleted them all. Latency: events committed one per transaction at a steady rate,
/// from the commit returning to the consumer receiving the event.
/// </summary>
public static class OutboxBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var backlog = options.Int("events", 20_000);
        var rate = options.Int("rate", 200);
        var seconds = options.Int("seconds", 30);

        var infrastructure = new TestInfrastructure();
        await infrastructure.InitializeAsync();
        try
        {
            Console.WriteLine($"infrastructure: {infrastructure.Source}");
            var database = await infrastructure.CreateDatabaseAsync("outbox_bench");
            await CreateSchemaAsync(database);
            var arrivals = new Arrivals();
            using var host = await StartHostAsync(database, infrastructure.RabbitMqConnectionString, arrivals, options);

            await MeasureThroughputAsync(host, arrivals, backlog);
            await MeasureSteadyLatencyAsync(host, arrivals, rate, seconds, firstNumber: backlog + 1);
            await host.StopAsync();
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }

        return 0;
    }

    private static async Task MeasureThroughputAsync(IHost host, Arrivals arrivals, int count)
    {
        var sessions = Enumerable.Range(0, 500).Select(_ => Guid.NewGuid()).ToArray();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
            for (var number = 1; number <= count; number++)
            {
                db.AddIntegrationEvent(new BenchEvent(sessions[number % sessions.Length], Guid.Empty, DateTimeOffset.UtcNow, number));
            }

            // The relay starts the moment this commits.
            await db.SaveChangesAsync();
        }

        var started = Stopwatch.GetTimestamp();
        var dataSource = host.Services.GetRequiredService<ServiceDatabase<BenchDbContext>>().DataSource;
        while (true)
        {
            await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {MessagingModelBuilderExtensions.OutboxTable}");
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                break;
            }

            await Task.Delay(20);
        }

        var relayed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        while (arrivals.Timestamps.Count < count)
        {
            await Task.Delay(20);
        }

        var consumed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"backlog of {count} events: relayed (published, confirmed, deleted) in {relayed:0.00} s, all consumed in {consumed:0.00} s");
        Figures.Print("outbox_relay_throughput", count / relayed, "events/s");
        Figures.Print("outbox_end_to_end_throughput", count / consumed, "events/s");
    }

    private static async Task MeasureSteadyLatencyAsync(IHost host, Arrivals arrivals, int rate, int seconds, long firstNumber)
    {
        var total = rate * seconds;
        var committed = new Dictionary<long, long>(total);
        var session = Guid.NewGuid();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / rate));
        var sent = 0;
        var started = Stopwatch.GetTimestamp();
        while (sent < total)
        {
            await timer.WaitForNextTickAsync();
            // Catch up if the timer fell behind, so the offered rate stays at `rate`.
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            for (; sent < due; sent++)
            {
                var number = firstNumber + sent;
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
                // Several sessions, as in production: ordering is per session.
                db.AddIntegrationEvent(new BenchEvent(number % 20 == 0 ? session : Guid.NewGuid(), Guid.Empty, DateTimeOffset.UtcNow, number));
                await db.SaveChangesAsync();
                committed[number] = Stopwatch.GetTimestamp();
            }
        }

        var offered = total / Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deadline = Stopwatch.GetTimestamp();
        while (committed.Keys.Any(n => !arrivals.Timestamps.ContainsKey(n)) && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        var latencies = committed
            .Where(c => arrivals.Timestamps.ContainsKey(c.Key))
            .Select(c => Stopwatch.GetElapsedTime(c.Value, arrivals.Timestamps[c.Key]).TotalMilliseconds)
            .Order()
            .ToList();
        Console.WriteLine($"steady load: {total} events offered at {offered:0} events/s, {latencies.Count} received");
        Figures.Print("outbox_steady_rate", offered, "events/s");
        Figures.Print("outbox_commit_to_consumer_p50", Figures.Percentile(latencies, 50), "ms");
        Figures.Print("outbox_commit_to_consumer_p99", Figures.Percentile(latencies, 99), "ms");
        Figures.Print("outbox_commit_to_consumer_max", latencies.Count > 0 ? latencies[^1] : double.NaN, "ms");
        Figures.Print("outbox_lost_events", total - latencies.Count, "events");
    }

    private static async Task CreateSchemaAsync(string database)
    {
        var options = new DbContextOptionsBuilder<BenchDbContext>();
        options.UseServiceDatabase(database);
        await using var db = new BenchDbContext(options.Options);
        await db.Database.EnsureCreatedAsync();
        foreach (var statement in MessagingMigrationBuilderExtensions.NotifyTriggerStatements)
        {
            await db.Database.ExecuteSqlRawAsync(statement);
        }
    }

    private static async Task<IHost> StartHostAsync(string database, string broker, Arrivals arrivals, BenchmarkOptions options)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:benchdb"] = database,
            ["ConnectionStrings:rabbitmq"] = broker,
        });
        // --batch and --concurrency override the relay's defaults, to explore its tuning.
        if (options.Int("batch", 0) is > 0 and var batch)
        {
            builder.Configuration["Messaging:Outbox:BatchSize"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.Int("concurrency", 0) is > 0 and var concurrency)
        {
            builder.Configuration["Messaging:Outbox:MaxConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        builder.AddServiceDatabase<BenchDbContext>("benchdb", migrateOnStartup: false);
        builder.AddMessaging<BenchDbContext>("bench-" + Guid.NewGuid().ToString("N")[..6], bus => bus.AddConsumer<BenchConsumer>());
        builder.Services.AddSingleton(arrivals);
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        return host;
    }
}
