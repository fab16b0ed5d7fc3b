using HybridStreaming.AppHost.Infrastructure;
using HybridStreaming.ServiceDefaults;
using Npgsql;
using Xunit;

namespace HybridStreaming.Testing;

/// <summary>
/// Real Postgres, Redis and RabbitMQ for a test assembly (use it as an xUnit assembly fixture), from
/// the first of:
/// <list type="number">
/// <item>connection strings in the environment: <c>ConnectionStrings__postgres</c>, <c>ConnectionStrings__redis</c>,
/// <c>ConnectionStrings__rabbitmq</c> (all three);</item>
/// <item>the AppHost's own infrastructure resources alone (<see cref="TestTopology"/> with
/// <c>Only=postgres,redis,rabbitmq</c>): local processes on free loopback ports by default — what CI
/// does — or Aspire's containers with <c>AppHost__Infrastructure=containers</c> where a container runtime is.</item>
/// </list>
/// </summary>
public sealed class TestInfrastructure : IAsyncLifetime
{
    private TestTopology? _topology;
    private (string Postgres, string Redis, string RabbitMq)? _servers;

    public string PostgresConnectionString => Servers.Postgres;

    public string RedisConnectionString => Servers.Redis;

    public string RabbitMqConnectionString => Servers.RabbitMq;

    /// <summary>Where the servers came from: the environment or the AppHost.</summary>
    public string Source => _topology is null ? "environment" : "apphost";

    /// <summary>A scratch folder for this assembly's run, deleted afterwards.</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", $"{Guid.NewGuid():N}"[..12]);

    private (string Postgres, string Redis, string RabbitMq) Servers =>
        _servers ?? throw new InvalidOperationException("The test infrastructure is not initialized.");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__postgres");
        var redis = Environment.GetEnvironmentVariable("ConnectionStrings__redis");
        var rabbitmq = Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq");
        if (postgres is { Length: > 0 } && redis is { Length: > 0 } && rabbitmq is { Length: > 0 })
        {
            _servers = (postgres, redis, rabbitmq);
            return;
        }

        _topology = await TestTopology.StartAsync(new TestTopologyOptions
        {
            Only = $"{KnownResources.Postgres},{KnownResources.Redis},{KnownResources.RabbitMq}",
            StartTimeout = TimeSpan.FromMinutes(3),
        });
        _servers = (
            await _topology.ConnectionStringAsync(KnownResources.Postgres),
            await _topology.ConnectionStringAsync(KnownResources.Redis),
            await _topology.ConnectionStringAsync(KnownResources.RabbitMq));
    }

    /// <summary>Creates a fresh database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await InfrastructureExtensions.EnsureDatabaseAsync(PostgresConnectionString, name, CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// A RabbitMQ broker of the test's own — the AppHost's rabbitmq resource alone — so it can be
    /// stopped and started again without disturbing other tests (even when the shared one comes from
    /// the environment).
    /// </summary>
    public async Task<PrivateBroker> StartPrivateRabbitMqAsync()
    {
        var topology = await TestTopology.StartAsync(new TestTopologyOptions { Only = KnownResources.RabbitMq, StartTimeout = TimeSpan.FromMinutes(2) });
        return new PrivateBroker(topology, await topology.ConnectionStringAsync(KnownResources.RabbitMq));
    }

    public async ValueTask DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }
}

/// <summary>A broker of one test's own, stopped and started through Aspire's resource commands.</summary>
public sealed class PrivateBroker(TestTopology topology, string connectionString) : IAsyncDisposable
{
    public string ConnectionString { get; } = connectionString;

    public TestTopology Topology { get; } = topology;

    /// <summary>Stops the broker cleanly (the dashboard's Stop) and waits until it has exited.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => Topology.StopAsync(KnownResources.RabbitMq, cancellationToken);

    /// <summary>Starts it again on the same port and data, and waits until it accepts AMQP logins.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default) => Topology.StartAsync(KnownResources.RabbitMq, cancellationToken);

    public ValueTask DisposeAsync() => Topology.DisposeAsync();
}
