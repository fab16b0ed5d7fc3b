using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using HybridStreaming.Messaging.Database;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HybridStreaming.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows to the broker, at least once, in order per aggregate, and deletes
/// them once the broker confirmed them.
/// <para>
/// Safe with several replicas: a pass takes a transaction-scoped advisory lock per aggregate before it
/// reads that aggregate's rows, so two relays never publish the same aggregate at once, and a relay
/// that gets the lock after another committed sees only what is left. Woken by Postgres NOTIFY (sent by
/// a trigger, delivered on commit — see <see cref="CommitSignal"/>), with a poll as the fallback; backs
/// off while the broker is down.
/// </para>
/// </summary>
public sealed partial class OutboxRelay<TDbContext>(
    ServiceDatabase<TDbContext> database,
    IBus bus,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService
{
    /// <summary>First key of every outbox advisory lock, so they cannot collide with other advisory locks.</summary>
    private const int AdvisoryLockNamespace = 0x48534f42; // "HSOB"

    private readonly CommitSignal _commits = new(database.DataSource, MessagingMigrationBuilderExtensions.NotifyChannel, logger);
    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var listening = _commits.ListenAsync(stoppingToken);
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            PassResult result;
            try
            {
                result = await RelayOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogPassFailed(logger, exception);
                result = new PassResult(0, Failed: 1, Full: false);
            }

            try
            {
                if (result.Failed > 0)
                {
                    // The broker (or the database) is failing: wait longer each time, and do not let
                    // commit notifications turn the wait into a hot loop.
                    backoff = backoff == TimeSpan.Zero
                        ? TimeSpan.FromMilliseconds(200)
                        : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                    await Task.Delay(backoff, clock, stoppingToken);
                }
                else
                {
                    backoff = TimeSpan.Zero;
                    if (!result.Full)
                    {
                        await _commits.WaitAsync(_options.PollInterval, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }

        await listening;
    }

    /// <summary>One pass: lock a set of aggregates, publish their rows in order, delete what was confirmed.</summary>
    internal async Task<PassResult> RelayOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var aggregates = await LockNextAggregatesAsync(connection, transaction, cancellationToken);
        if (aggregates.Length == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return new PassResult(0, 0, Full: false);
        }

        var rows = await ReadRowsAsync(connection, transaction, aggregates, cancellationToken);
        var published = new ConcurrentBag<long>();
        var failed = new ConcurrentBag<(long Sequence, string Error)>();

        await Parallel.ForEachAsync(
            rows.GroupBy(r => r.AggregateId),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (aggregate, ct) =>
            {
                foreach (var row in aggregate)
                {
                    var error = await PublishAsync(row, ct);
                    if (error is not null)
                    {
                        // Stop this aggregate here: a later event must not overtake the failed one.
                        failed.Add((row.SequenceNumber, error));
                        return;
                    }

                    published.Add(row.SequenceNumber);
                }
            });

        if (!published.IsEmpty)
        {
            await using var delete = new NpgsqlCommand(
                $"DELETE FROM {MessagingModelBuilderExtensions.OutboxTable} WHERE sequence_number = ANY(@published)",
                connection,
                transaction);
            delete.Parameters.AddWithValue("published", published.ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (sequence, error) in failed)
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE {MessagingModelBuilderExtensions.OutboxTable} SET attempts = attempts + 1, last_error = @error WHERE sequence_number = @sequence",
                connection,
                transaction);
            update.Parameters.AddWithValue("error", error.Length > 2000 ? error[..2000] : error);
            update.Parameters.AddWithValue("sequence", sequence);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // Committing deletes the published rows and releases the aggregates' locks together.
        await transaction.CommitAsync(CancellationToken.None);

        Metrics.Published.Add(published.Count);
        if (!failed.IsEmpty)
        {
            Metrics.Failed.Add(failed.Count);
        }

        return new PassResult(published.Count, failed.Count, Full: rows.Count >= _options.BatchSize);
    }

    private async Task<Guid[]> LockNextAggregatesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Oldest aggregates first (by their oldest row), among a bounded window of the table, and only
        // those no other relay holds. hashtext() folds the uuid into the lock's 32-bit key; a collision
        // only makes two aggregates wait for each other.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT aggregate_id FROM (
              SELECT aggregate_id, min(sequence_number) AS first
              FROM (SELECT aggregate_id, sequence_number FROM {MessagingModelBuilderExtensions.OutboxTable}
                    ORDER BY sequence_number LIMIT @window) w
              GROUP BY aggregate_id) candidates
            WHERE pg_try_advisory_xact_lock(@namespace, hashtext(aggregate_id::text))
            ORDER BY first
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("window", _options.BatchSize);
        command.Parameters.AddWithValue("namespace", AdvisoryLockNamespace);

        var aggregates = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.Add(reader.GetGuid(0));
        }

        return [.. aggregates];
    }

    private async Task<List<OutboxRow>> ReadRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] aggregates, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT sequence_number, message_id, aggregate_id, message_type, body, trace_parent, trace_state, created_at
            FROM {MessagingModelBuilderExtensions.OutboxTable}
            WHERE aggregate_id = ANY(@aggregates)
            ORDER BY sequence_number
            LIMIT @batch
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("aggregates", aggregates);
        command.Parameters.AddWithValue("batch", _options.BatchSize);

        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new OutboxRow(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetGuid(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return rows;
    }

    /// <returns>null when the broker confirmed the message, else why it was not published.</returns>
    private async Task<string?> PublishAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = OutboxMessageTypes.Resolve(row.MessageType);
        if (type is null)
        {
            LogUnknownType(logger, row.MessageType, row.SequenceNumber);
            return $"Unknown message type '{row.MessageType}'.";
        }

        using var activity = Telemetry.Source.StartActivity(
            "outbox relay", ActivityKind.Internal, new StoredTraceContext(row.TraceParent, row.TraceState).ToParent());
        activity?.SetTag("messaging.message.id", row.MessageId);
        activity?.SetTag("hs.outbox.sequence", row.SequenceNumber);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.PublishTimeout);
        try
        {
            var message = JsonSerializer.Deserialize(row.Body, type, MessagingJson.Options)
                ?? throw new JsonException("The stored body is null.");
            await bus.Publish(message, type, Pipe.Execute<PublishContext>(context =>
            {
                context.MessageId = row.MessageId;
                context.Headers.Set(MessageHeaders.AggregateId, row.AggregateId.ToString());
            }), timeout.Token);

            Metrics.Latency.Record((clock.GetUtcNow() - row.CreatedAt).TotalMilliseconds);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "publish timed out");
            return $"The broker did not confirm within {_options.PublishTimeout.TotalSeconds:0.#} s.";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogPublishFailed(logger, exception, row.MessageType, row.SequenceNumber);
            return $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    public override void Dispose()
    {
        _commits.Dispose();
        base.Dispose();
    }

    internal readonly record struct PassResult(int Published, int Failed, bool Full);

    private sealed record OutboxRow(
        long SequenceNumber,
        Guid MessageId,
        Guid AggregateId,
        string MessageType,
        string Body,
        string? TraceParent,
        string? TraceState,
        DateTimeOffset CreatedAt);

    private static class Metrics
    {
        public static readonly Counter<long> Published = Telemetry.Meter.CreateCounter<long>(
            "hs.outbox.published", "{message}", "Outbox messages the broker confirmed.");

        public static readonly Counter<long> Failed = Telemetry.Meter.CreateCounter<long>(
            "hs.outbox.publish_failures", "{message}", "Outbox publish attempts that failed; the row stays for the next pass.");

        public static readonly Histogram<double> Latency = Telemetry.Meter.CreateHistogram<double>(
            "hs.outbox.commit_to_publish", "ms", "Time from writing an outbox row to the broker confirming it.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed; backing off")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {MessageType} (outbox row {Sequence}) failed; it stays queued")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string messageType, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {Sequence} has unknown message type {MessageType}; its aggregate is blocked until it is fixed or deleted")]
    private static partial void LogUnknownType(ILogger logger, string messageType, long sequence);

}
