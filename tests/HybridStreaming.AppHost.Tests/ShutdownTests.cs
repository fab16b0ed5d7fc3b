using FluentAssertions;
using HybridStreaming.Processes;
using HybridStreaming.Testing;
using Npgsql;
using Xunit;

namespace HybridStreaming.AppHost.Tests;

/// <summary>The AppHost as a developer runs it: Ctrl+C leaves nothing behind, and the next run finds its data.</summary>
[Collection(AppHostProcesses.Name)]
public sealed class ShutdownTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", "apphost-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Postgres on a port the test knows, so it can reach the database both runs share.</summary>
    private readonly int _postgresPort = Loopback.FreePort();

    [Fact]
    public async Task Ctrl_c_stops_every_process_it_started_and_a_second_run_reuses_the_data()
    {
        List<ProcessInfo> started;
        string channelsDb;
        await using (var first = AppHostProcess.Start(_state, [$"--AppHost:PostgresPort={_postgresPort}"]))
        {
            await first.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(4));
            started = [.. first.Descendants()];
            channelsDb = ChannelsDatabase();
            await WriteMarkerAsync(channelsDb);

            var exitCode = await first.InterruptAsync(TimeSpan.FromSeconds(180));

            exitCode.Should().Be(0, first.Output);
        }

        started.Select(p => p.Command).Should().Contain(["dcp", "postgres", "redis-server", "beam.smp", "epmd", "dotnet", "nginx"],
            "the check covers the orchestrator, the dashboard, servers, their children and the services");
        // The AppHost exits once it has told the orchestrator to stop; DCP, which watches it, then stops
        // what is left and exits itself within seconds.
        await WaitUntilGoneAsync(started);
        LeftBehind(started).Should().BeEmpty("Ctrl+C must stop every process, grandchildren included, and leave no zombie");

        await using var second = AppHostProcess.Start(_state, [$"--AppHost:PostgresPort={_postgresPort}", "--AppHost:Only=channelsdb"]);
        await second.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(2));
        (await ReadMarkerAsync(ChannelsDatabase())).Should().Be("written by the first run");
        var secondProcesses = second.Descendants().ToList();
        (await second.InterruptAsync(TimeSpan.FromSeconds(60))).Should().Be(0);
        await WaitUntilGoneAsync(secondProcesses);
        LeftBehind(secondProcesses).Should().BeEmpty();
    }

    private string ChannelsDatabase()
    {
        // The password is generated on the first run and kept in the state folder, beside the data. Not
        // pooled: both runs' servers listen on the same port, and a connection kept from the first would
        // only report that server's shutdown.
        var password = File.ReadAllText(Path.Combine(_state, "postgres", "password")).Trim();
        return $"Host=127.0.0.1;Port={_postgresPort};Username=postgres;Password={password};Database=channelsdb;Pooling=false";
    }

    private static async Task WriteMarkerAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "CREATE TABLE reuse_marker (value text); INSERT INTO reuse_marker VALUES ('written by the first run');", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ReadMarkerAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM reuse_marker", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task WaitUntilGoneAsync(IEnumerable<ProcessInfo> processes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (LeftBehind(processes).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
    }

    /// <summary>Processes of the earlier tree that still exist — running or as zombies — with the same start time.</summary>
    private static List<string> LeftBehind(IEnumerable<ProcessInfo> processes) =>
        [.. processes
            .Select(p => (Before: p, Now: ProcessTree.TryRead(p.Pid)))
            .Where(x => x.Now is { } now && now.StartTime == x.Before.StartTime)
            .Select(x => $"{x.Before.Pid} {x.Before.Command} (state {x.Now!.Value.State})")];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
