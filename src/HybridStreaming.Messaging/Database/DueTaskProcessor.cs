using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridStreaming.Messaging.Database;

/// <summary>
/// Drives rows of a task table (columns <c>next_attempt_at</c>, <c>lease_until</c>) through their
/// steps: claims due rows with a lease (<c>FOR UPDATE SKIP LOCKED</c>, so replicas share the work and a
/// crashed worker's rows come back when the lease ends), keeps up to <see cref="MaxConcurrency"/> steps
/// running (a finished step's slot is refilled at once), and sleeps until the next row is due, a commit
/// wakes it (<see cref="CommitSignal"/> on the table's trigger) or a slot frees.
/// Long provider calls run outside any database transaction.
/// <para>
/// The table also has <c>trace_parent</c> and <c>trace_state</c>: the W3C trace context of the message
/// that made the task's work due (see <see cref="StoredTraceContext"/>). Each step runs under an activity
/// parented on it, so its provider calls and the events it writes to the outbox stay in the trace of the
/// go-live or stop that asked for them, not in a root trace of their own from this background loop.
/// </para>
/// </summary>
public abstract partial class DueTaskProcessor<TDbContext>(
    ServiceDatabase<TDbContext> database,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger logger) : BackgroundService
{
    private CommitSignal? _signal;

    /// <summary>The table, e.g. <c>recording_tasks</c>.</summary>
    protected abstract string Table { get; }

    /// <summary>Its key column (a uuid), e.g. <c>session_id</c>.</summary>
    protected abstract string KeyColumn { get; }

    /// <summary>The NOTIFY channel its trigger signals (see <see cref="MessagingMigrationBuilderExtensions.CreateNotifyTrigger"/>).</summary>
    protected abstract string NotifyChannel { get; }

    protected virtual int BatchSize => 64;

    protected virtual int MaxConcurrency => 32;

    /// <summary>How long a claimed row belongs to this processor: longer than one step can take.</summary>
    protected virtual TimeSpan LeaseDuration => TimeSpan.FromSeconds(90);

    protected virtual TimeSpan PollInterval => TimeSpan.FromSeconds(1);

    /// <summary>One step of one task, in its own DI scope.</summary>
    protected abstract Task ProcessAsync(IServiceProvider services, Guid key, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();

        // The loop belongs to no trace (whatever started the host): a step's only parent is its row's.
        Activity.Current = null;
        _signal = new CommitSignal(database.DataSource, NotifyChannel, logger);
        var listening = _signal.ListenAsync(stoppingToken);
        var table = new KeyValuePair<string, object?>("table", Table);

        // Steps run as a pipeline, not in batches: a slot that frees claims the next due row at once.
        // Waiting for a whole batch let one slow step (a provider call backing off, a converter that
        // takes seconds to start under load) hold back every poll that fell due meanwhile — in a burst
        // of 20 media go-lives a relay saw its input connected 8 s late, against a 20 s deadline.
        // A run may go on to a successor step due at once (its row is then due and unleased), so rows
        // still running here are never claimed again; the loop alone touches this map.
        var running = new Dictionary<Guid, Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var done in running.Where(step => step.Value.IsCompleted).Select(step => step.Key).ToList())
                {
                    running.Remove(done);
                }

                var free = MaxConcurrency - running.Count;
                if (free > 0)
                {
                    var limit = Math.Min(free, BatchSize);
                    var claimed = await ClaimAsync(limit, [.. running.Keys], stoppingToken);
                    DueTaskMetrics.ClaimPasses.Add(1, table);
                    DueTaskMetrics.Claimed.Add(claimed.Count, table);
                    foreach (var task in claimed)
                    {
                        running[task.Key] = RunStepAsync(task, stoppingToken);
                    }

                    if (claimed.Count == limit && limit < free)
                    {
                        continue; // a full batch and room for more: more rows may be due
                    }
                }

                // Woken by a commit, a finished step (a free slot) or the next due time.
                var wait = running.Count >= MaxConcurrency ? PollInterval : await UntilNextDueAsync([.. running.Keys], stoppingToken);
                await _signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogLoopFailed(logger, exception, Table);
                await Task.Delay(PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        // Steps in flight see the cancellation; a step cut short keeps its lease and runs again later.
        await Task.WhenAll(running.Values).ContinueWith(_ => { }, TaskScheduler.Default);
        await listening;
    }

    private async Task RunStepAsync(ClaimedTask task, CancellationToken cancellationToken)
    {
        await Task.Yield();

        // The loop has no activity of its own: without the stored parent a step's provider calls and the
        // outbox rows it writes would each start a new trace. A row without one (written before the
        // columns existed) runs as a root.
        using var activity = Telemetry.Source.StartActivity(
            $"{Table} step", ActivityKind.Internal, task.Trace.ToParent());
        activity?.SetTag(DueTaskMetrics.TableTag, Table);
        activity?.SetTag(DueTaskMetrics.KeyTag, task.Key);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await ProcessAsync(scope.ServiceProvider, task.Key, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The lease runs out and the step is tried again.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogStepFailed(logger, exception, Table, task.Key);
        }
        finally
        {
            Wake(); // a slot is free
        }
    }

    /// <summary>Wakes the loop now (after a local change that the trigger will also announce).</summary>
    public void Wake() => _signal?.Wake();

    /// <remarks>Returns each row's trace context with its key, so a step needs no query of its own to find its parent.</remarks>
    private async Task<List<ClaimedTask>> ClaimAsync(int batch, Guid[] running, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var command = database.DataSource.CreateCommand($"""
            UPDATE {Table} SET lease_until = @until
            WHERE {KeyColumn} IN (
              SELECT {KeyColumn} FROM {Table}
              WHERE next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                AND NOT ({KeyColumn} = ANY(@running))
              ORDER BY next_attempt_at
              LIMIT @batch
              FOR UPDATE SKIP LOCKED)
            RETURNING {KeyColumn}, trace_parent, trace_state
            """);
        command.Parameters.AddWithValue("until", now + LeaseDuration);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("batch", batch);
        command.Parameters.AddWithValue("running", running);
        var claimed = new List<ClaimedTask>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedTask(
                reader.GetGuid(0),
                new StoredTraceContext(reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2))));
        }

        return claimed;
    }

    /// <remarks>Rows still running here do not count: one whose run goes on at once is due, and would make the loop spin.</remarks>
    private async Task<TimeSpan> UntilNextDueAsync(Guid[] running, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT min(greatest(next_attempt_at, coalesce(lease_until, next_attempt_at))) FROM {Table} WHERE next_attempt_at IS NOT NULL AND NOT ({KeyColumn} = ANY(@running))");
        command.Parameters.AddWithValue("running", running);
        var next = await command.ExecuteScalarAsync(cancellationToken);
        if (next is not DateTime due)
        {
            return PollInterval;
        }

        var wait = new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) - clock.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait < PollInterval ? wait : PollInterval;
    }

    public override void Dispose()
    {
        _signal?.Dispose();
        base.Dispose();
    }

    private readonly record struct ClaimedTask(Guid Key, StoredTraceContext Trace);

    [LoggerMessage(Level = LogLevel.Error, Message = "A step of {Table} task {Key} failed; it is retried when its lease ends")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string table, Guid key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Table} processor loop failed; retrying")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string table);
}

/// <summary>
/// What the task processors do, on the <c>HybridStreaming.Messaging</c> meter (tag <c>table</c>). Claim
/// passes far above the rows claimed mean a loop wakes without work; it should sleep until the next row
/// is due or a commit signals one. Each step is an activity <c>{table} step</c> of the source of the same name.
/// </summary>
public static class DueTaskMetrics
{
    /// <summary>The activity source of the steps (traced by ServiceDefaults with every <c>HybridStreaming.*</c> source).</summary>
    public const string ActivitySourceName = Telemetry.Name;

    /// <summary>A step activity's tag naming its task table.</summary>
    public const string TableTag = "hs.task.table";

    /// <summary>A step activity's tag holding its task's key.</summary>
    public const string KeyTag = "hs.task.key";

    public const string ClaimPassesName = "hs.tasks.claim_passes";

    public static readonly Counter<long> ClaimPasses = Telemetry.Meter.CreateCounter<long>(
        ClaimPassesName, "{pass}", "Claim queries of a task processor.");

    public static readonly Counter<long> Claimed = Telemetry.Meter.CreateCounter<long>(
        "hs.tasks.claimed", "{task}", "Task rows a processor claimed to run a step.");
}
