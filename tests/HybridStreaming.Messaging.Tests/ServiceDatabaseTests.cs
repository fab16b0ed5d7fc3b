using FluentAssertions;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>
/// The data source <c>AddServiceDatabase</c> builds: pooled connections go back without a reset (no
/// DISCARD ALL on every checkout), so nothing may leave session state on one — the commit listener's
/// LISTEN included — and an explicit setting in the connection string still wins. With Aspire's
/// integration on top, contexts stay pooled on options built once, without retries, under one check.
/// </summary>
public sealed class ServiceDatabaseTests(TestInfrastructure infrastructure)
{
    [Fact]
    public async Task Connections_are_not_reset_on_return_unless_the_connection_string_asks_for_it()
    {
        var database = await infrastructure.CreateDatabaseAsync("pool");

        await using (var plain = Build(database))
        {
            Settings(plain).NoResetOnClose.Should().BeTrue();
        }

        await using var explicitReset = Build(new NpgsqlConnectionStringBuilder(database) { NoResetOnClose = false }.ConnectionString);
        Settings(explicitReset).NoResetOnClose.Should().BeFalse("an operator's explicit setting wins");
    }

    [Fact]
    public async Task The_commit_listener_gives_its_connection_back_without_its_LISTEN()
    {
        var database = await infrastructure.CreateDatabaseAsync("pool");
        // One physical connection, so the next checkout gets the very connection the listener had.
        await using var services = Build(new NpgsqlConnectionStringBuilder(database) { MaxPoolSize = 1 }.ConnectionString);
        var service = services.GetRequiredService<ServiceDatabase<TestDbContext>>();
        await using var observer = NpgsqlDataSource.Create(database);
        var cancellationToken = TestContext.Current.CancellationToken;

        int listenerBackend;
        using (var signal = new CommitSignal(service.DataSource, MessagingMigrationBuilderExtensions.NotifyChannel, NullLogger.Instance))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var listening = signal.ListenAsync(stop.Token);
            listenerBackend = (await Eventually.ValueAsync(
                async () =>
                {
                    await using var find = observer.CreateCommand(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %' AND pid <> pg_backend_pid()");
                    return await find.ExecuteScalarAsync(cancellationToken) as int?;
                },
                pid => pid is not null,
                TimeSpan.FromSeconds(30),
                "the listener's LISTEN"))!.Value;

            // A commit wakes it: the signal works on this data source.
            await using (var notify = observer.CreateCommand($"NOTIFY {MessagingMigrationBuilderExtensions.NotifyChannel}"))
            {
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }

            (await signal.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken)).Should().BeTrue("a NOTIFY on the channel wakes the waiting loop");

            await stop.CancelAsync();
            await listening;
        }

        await using var reused = await service.DataSource.OpenConnectionAsync(cancellationToken);
        reused.ProcessID.Should().Be(listenerBackend, "with one pooled connection the next checkout is the listener's");
        await using var channels = new NpgsqlCommand("SELECT count(*) FROM pg_listening_channels()", reused);
        ((long)(await channels.ExecuteScalarAsync(cancellationToken))!).Should().Be(0, "the listener UNLISTENs before its connection goes back unreset");
    }

    [Fact]
    public async Task Contexts_are_pooled_on_options_built_once_over_the_unreset_data_source()
    {
        var database = await infrastructure.CreateDatabaseAsync("pool");
        await using var services = Build(database);

        TestDbContext first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            var connection = (NpgsqlConnection)first.Database.GetDbConnection();
            new NpgsqlConnectionStringBuilder(connection.ConnectionString).NoResetOnClose.Should().BeTrue(
                "EF Core's connections come from the service's data source, which skips DISCARD ALL");
        }

        await using (var scope = services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TestDbContext>().Should().BeSameAs(first, "a returned context is rented again");
        }

        services.GetRequiredService<DbContextOptions<TestDbContext>>()
            .Should().BeSameAs(services.GetRequiredService<DbContextOptions<TestDbContext>>(), "the options are built once");
    }

    [Fact]
    public async Task Explicit_transactions_work_because_Aspire_retries_are_off()
    {
        var database = await infrastructure.CreateDatabaseAsync("pool");
        await MessagingHost.CreateSchemaAsync(database);
        await using var services = Build(database);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var cancellationToken = TestContext.Current.CancellationToken;

        db.Database.CreateExecutionStrategy().RetriesOnFailure.Should().BeFalse(
            "a retrying strategy refuses the transactions the inbox, outbox relay and task processors open");
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            db.Widgets.Add(new Widget { Id = Guid.NewGuid(), Name = "in a transaction" });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        (await db.Widgets.CountAsync(cancellationToken)).Should().Be(1);
    }

    [Fact]
    public async Task Readiness_has_one_Postgres_entry_named_after_the_connection()
    {
        var database = await infrastructure.CreateDatabaseAsync("pool");
        await using var services = Build(database);

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        report.Entries.Keys.Should().Equal("testdb");
        report.Entries["testdb"].Status.Should().Be(HealthStatus.Healthy);
    }

    private static NpgsqlConnectionStringBuilder Settings(ServiceProvider services) =>
        new(services.GetRequiredService<ServiceDatabase<TestDbContext>>().DataSource.ConnectionString);

    private static ServiceProvider Build(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:testdb"] = connectionString });
        builder.AddServiceDatabase<TestDbContext>("testdb", migrateOnStartup: false);
        return builder.Services.BuildServiceProvider();
    }
}
