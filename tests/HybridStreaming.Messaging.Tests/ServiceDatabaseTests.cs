using FluentAssertions;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>
/// The data source <c>AddServiceDatabase</c> builds: pooled connections go back without a reset (no
/// DISCARD ALL on every checkout), so nothing may leave session state on one — the commit listener's
/// LISTEN included — and an explicit setting in the connection string still wins.
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
