using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluentAssertions;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>
/// The task processor behind the Recording and Relay workers, on a task table of its own with the
/// commit trigger the workers' migrations create: it runs a due step once, is woken by a commit,
/// sleeps while nothing is due — its own claims must not wake it again — lets no slow step hold
/// back the others, and runs each step in the trace stored on its row.
/// </summary>
public sealed class DueTaskProcessorTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    private const string Table = "widget_tasks";

    private string _database = "";
    private IHost _host = null!;
    private NpgsqlDataSource _data = null!;
    private MeterListener _listener = null!;
    private ActivityListener _activities = null!;
    private long _claimPasses;

    public async ValueTask InitializeAsync()
    {
        _database = await infrastructure.CreateDatabaseAsync("tasks");
        _data = NpgsqlDataSource.Create(_database);
        await ExecuteAsync($"CREATE TABLE {Table} (id uuid PRIMARY KEY, next_attempt_at timestamptz NULL, lease_until timestamptz NULL, steps int NOT NULL DEFAULT 0, hold_ms int NOT NULL DEFAULT 0, goes_on boolean NOT NULL DEFAULT false, trace_parent varchar(128) NULL, trace_state varchar(512) NULL)");
        foreach (var statement in MessagingMigrationBuilderExtensions.NotifyTrigger(Table, Table, updateOf: ["next_attempt_at"]))
        {
            await ExecuteAsync(statement);
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == DueTaskMetrics.ClaimPassesName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "table", Value: Table })
                {
                    Interlocked.Add(ref _claimPasses, value);
                }
            }
        });
        _listener.Start();

        // Records the steps' activities, as an exporter would (unlistened, a source creates none).
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == DueTaskMetrics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(_activities);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:testdb"] = _database });
        builder.AddServiceDatabase<TestDbContext>("testdb", migrateOnStartup: false);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<WidgetTaskProcessor>();
        _host = builder.Build();
        await _host.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _listener.Dispose();
        _activities.Dispose();
        await _data.DisposeAsync();
    }

    [Fact]
    public async Task An_idle_processor_sleeps_between_polls_instead_of_waking_itself_with_its_own_claims()
    {
        await Eventually.TrueAsync(() => Interlocked.Read(ref _claimPasses) > 0, TimeSpan.FromSeconds(30), "the first claim pass");

        var before = Interlocked.Read(ref _claimPasses);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        var passes = Interlocked.Read(ref _claimPasses) - before;

        // One pass per poll interval (1 s) while nothing is due; a loop woken by its own claim does thousands.
        passes.Should().BeLessThan(10, "nothing was due, so the loop waits for the poll interval or a commit");
    }

    [Fact]
    public async Task A_committed_task_is_stepped_once_and_the_processor_goes_back_to_sleep()
    {
        var id = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at) VALUES ('{id}', now())");

        await Eventually.TrueAsync(async () => await StepsAsync(id) == 1, TimeSpan.FromSeconds(30), "the task's step");
        var before = Interlocked.Read(ref _claimPasses);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);

        (await StepsAsync(id)).Should().Be(1, "the step cleared the due time, so it is not run again");
        (Interlocked.Read(ref _claimPasses) - before).Should().BeLessThan(8, "no further work was due");
    }

    [Fact]
    public async Task A_slow_step_does_not_hold_back_a_step_that_falls_due_while_it_runs()
    {
        var slow = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at, hold_ms) VALUES ('{slow}', now(), 15000)");
        await Eventually.TrueAsync(async () => await LeasedAsync(slow), TimeSpan.FromSeconds(30), "the slow step to be claimed");

        var fast = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at) VALUES ('{fast}', now())");

        // Claimed in batches, the fast task would wait for the whole batch, slow step included.
        await Eventually.TrueAsync(async () => await StepsAsync(fast) == 1, TimeSpan.FromSeconds(10), "the fast step, while the slow one still runs");
        (await StepsAsync(slow)).Should().Be(0, "the slow step is still running");
    }

    [Fact]
    public async Task A_run_that_goes_on_to_a_step_due_at_once_is_not_claimed_a_second_time_meanwhile()
    {
        var id = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at, goes_on) VALUES ('{id}', now(), true)");

        await Eventually.TrueAsync(async () => await StepsAsync(id) == 1, TimeSpan.FromSeconds(30), "the task's two steps");
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        // Its first step committed "due now" (and woke the processor) while the run went on in-process.
        WidgetTaskProcessor.Runs.GetValueOrDefault(id).Should().Be(1, "the row was due but still running, so no second run may start");
    }

    [Fact]
    public async Task A_step_runs_under_an_activity_parented_on_the_trace_context_stored_on_its_row()
    {
        // The go-live's trace, as the consumer that gave the task its work stored it.
        var goLive = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var id = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at, trace_parent, trace_state) VALUES ('{id}', now(), '00-{goLive.TraceId}-{goLive.SpanId}-01', 'hs=go-live')");

        await Eventually.TrueAsync(async () => await StepsAsync(id) == 1, TimeSpan.FromSeconds(30), "the task's step");

        var step = WidgetTaskProcessor.Steps[id];
        step.Activity.Should().NotBeNull("the step runs under an activity of its own");
        step.Activity!.OperationName.Should().Be($"{Table} step");
        step.Activity.Kind.Should().Be(ActivityKind.Internal);
        step.Activity.TraceId.Should().Be(goLive.TraceId, "the step continues the trace stored on its row");
        step.Activity.ParentSpanId.Should().Be(goLive.SpanId);
        step.Activity.TraceStateString.Should().Be("hs=go-live");
        step.Activity.GetTagItem(DueTaskMetrics.TableTag).Should().Be(Table);
        step.Activity.GetTagItem(DueTaskMetrics.KeyTag).Should().Be(id);
        step.OutboxTraceParent.Should().Be(step.Activity.Id, "an event the step writes carries the trace on through the broker");
    }

    [Fact]
    public async Task A_row_without_a_stored_trace_context_still_runs_as_the_root_of_a_trace()
    {
        var id = Guid.NewGuid();
        await ExecuteAsync($"INSERT INTO {Table} (id, next_attempt_at) VALUES ('{id}', now())");

        await Eventually.TrueAsync(async () => await StepsAsync(id) == 1, TimeSpan.FromSeconds(30), "the task's step");

        var step = WidgetTaskProcessor.Steps[id];
        step.Activity.Should().NotBeNull("a row from before trace contexts were kept still runs, under an activity of its own");
        step.Activity!.ParentSpanId.Should().Be(default(ActivitySpanId), "there is no trace to continue");
        step.Activity.GetTagItem(DueTaskMetrics.KeyTag).Should().Be(id);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _data.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private async Task<bool> LeasedAsync(Guid id)
    {
        await using var command = _data.CreateCommand($"SELECT lease_until IS NOT NULL FROM {Table} WHERE id = '{id}'");
        return (bool)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private async Task<int> StepsAsync(Guid id)
    {
        await using var command = _data.CreateCommand($"SELECT steps FROM {Table} WHERE id = '{id}'");
        return (int)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    /// <summary>A step: take <c>hold_ms</c> (a slow provider call) or, with <c>goes_on</c>, commit a first step and go on to a second, then count it and clear the due time, as a worker's step does when it is done.</summary>
    private sealed class WidgetTaskProcessor(ServiceDatabase<TestDbContext> database, IServiceScopeFactory scopes, TimeProvider clock, ILogger<WidgetTaskProcessor> logger)
        : DueTaskProcessor<TestDbContext>(database, scopes, clock, logger)
    {
        /// <summary>How many runs started, per task.</summary>
        public static readonly ConcurrentDictionary<Guid, int> Runs = new();

        /// <summary>The activity each task's last run saw, and the trace an event written in it would carry.</summary>
        public static readonly ConcurrentDictionary<Guid, StepTrace> Steps = new();

        protected override string Table => DueTaskProcessorTests.Table;

        protected override string KeyColumn => "id";

        protected override string NotifyChannel => DueTaskProcessorTests.Table;

        protected override async Task ProcessAsync(IServiceProvider services, Guid key, CancellationToken cancellationToken)
        {
            Runs.AddOrUpdate(key, 1, (_, runs) => runs + 1);
            var written = OutboxMessage.Create(new WidgetCreated(Guid.Empty, key, key, 0), typeof(WidgetCreated), key, DateTimeOffset.UtcNow);
            Steps[key] = new StepTrace(Activity.Current, written.TraceParent);
            var data = services.GetRequiredService<ServiceDatabase<TestDbContext>>().DataSource;
            int holdMs;
            bool goesOn;
            await using (var read = data.CreateCommand($"SELECT hold_ms, goes_on FROM {Table} WHERE id = @id"))
            {
                read.Parameters.AddWithValue("id", key);
                await using var row = await read.ExecuteReaderAsync(cancellationToken);
                await row.ReadAsync(cancellationToken);
                (holdMs, goesOn) = (row.GetInt32(0), row.GetBoolean(1));
            }

            if (goesOn)
            {
                // A first step whose successor is due at once, run in the same go (as the workers do):
                // committed due and unleased, which the trigger announces.
                await using var first = data.CreateCommand($"UPDATE {Table} SET next_attempt_at = now(), lease_until = NULL, goes_on = false WHERE id = @id");
                first.Parameters.AddWithValue("id", key);
                await first.ExecuteNonQueryAsync(cancellationToken);
                holdMs = 1500;
            }

            await Task.Delay(holdMs, cancellationToken);

            await using var command = data.CreateCommand(
                $"UPDATE {Table} SET steps = steps + 1, next_attempt_at = NULL, lease_until = NULL WHERE id = @id");
            command.Parameters.AddWithValue("id", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record StepTrace(Activity? Activity, string? OutboxTraceParent);
}
