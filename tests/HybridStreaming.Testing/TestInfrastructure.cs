using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Hosting.Local;
using Npgsql;
using Xunit;

namespace HybridStreaming.Testing;

/// <summary>
/// Real Postgres, Redis and RabbitMQ for a test assembly (use it as an xUnit assembly fixture), from
/// the first of:
/// <list type="number">
/// <item>connection strings in the environment: <c>ConnectionStrings__postgres</c>, <c>ConnectionStrings__redis</c>,
/// <c>ConnectionStrings__rabbitmq</c> (all three);</item>
/// <item>servers started here as local processes from the OS packages, on free loopback ports (what CI
/// does, through the README's test command);</item>
/// <item>Testcontainers, where a Docker engine is reachable.</item>
/// </list>
/// </summary>
public sealed class TestInfrastructure : IAsyncLifetime
{
    private IInfrastructure? _infrastructure;

    public string PostgresConnectionString => Current.Postgres;

    public string RedisConnectionString => Current.Redis;

    public string RabbitMqConnectionString => Current.RabbitMq;

    /// <summary>Where the servers came from: environment, local processes or Testcontainers.</summary>
    public string Source => Current.Source;

    /// <summary>A scratch folder for this assembly's run, deleted afterwards.</summary>
    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", $"{Guid.NewGuid():N}"[..12]);

    private IInfrastructure Current => _infrastructure ?? throw new InvalidOperationException("The test infrastructure is not initialized.");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        _infrastructure = (IInfrastructure?)FromEnvironment()
            ?? (LocalProcessInfrastructure.IsAvailable ? await LocalProcessInfrastructure.StartAsync(WorkDirectory) : null)
            ?? (IInfrastructure?)(ContainerInfrastructure.IsAvailable ? await ContainerInfrastructure.StartAsync() : null)
            ?? throw new InvalidOperationException(
                "No Postgres/Redis/RabbitMQ for the tests: set ConnectionStrings__postgres, ConnectionStrings__redis and " +
                "ConnectionStrings__rabbitmq, or install postgresql, redis-server and rabbitmq-server (./test.sh does), " +
                "or make a Docker engine reachable for Testcontainers.");
    }

    /// <summary>Creates a fresh database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        await PostgresDatabases.EnsureCreatedAsync(PostgresConnectionString, name, CancellationToken.None);
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// A RabbitMQ broker of the test's own, as a local process, so it can be stopped and restarted
    /// without disturbing other tests (even when the shared one comes from the environment).
    /// </summary>
    public async Task<LocalRabbitMqServer> StartPrivateRabbitMqAsync(string name = "private-rabbitmq")
    {
        var logs = new ResourceLogs(Path.Combine(WorkDirectory, "logs"), console: false);
        var server = new LocalRabbitMqServer(
            name, Path.Combine(WorkDirectory, $"{name}-{Guid.NewGuid():N}"[..40]), RabbitMqPorts.Free(),
            $"hs-{Guid.NewGuid():N}"[..16] + "@localhost", logs);
        try
        {
            await server.StartAsync(CancellationToken.None);
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(120), CancellationToken.None);
        }
        catch
        {
            // A broker that never became ready must not outlive the test run (its VM keeps running otherwise).
            await server.StopAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_infrastructure is not null)
        {
            await _infrastructure.DisposeAsync();
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

    private static EnvironmentInfrastructure? FromEnvironment()
    {
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__postgres");
        var redis = Environment.GetEnvironmentVariable("ConnectionStrings__redis");
        var rabbitmq = Environment.GetEnvironmentVariable("ConnectionStrings__rabbitmq");
        return postgres is { Length: > 0 } && redis is { Length: > 0 } && rabbitmq is { Length: > 0 }
            ? new EnvironmentInfrastructure(postgres, redis, rabbitmq)
            : null;
    }

    private sealed record EnvironmentInfrastructure(string Postgres, string Redis, string RabbitMq) : IInfrastructure
    {
        public string Source => "environment";

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class LocalProcessInfrastructure(LocalServer[] servers) : IInfrastructure
    {
        public static bool IsAvailable =>
            Executables.PostgresBinDirectory() is not null
            && Executables.FindOnPath("redis-server") is not null
            && File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server");

        public string Source => "local processes";

        public string Postgres => servers[0].ConnectionString;

        public string Redis => servers[1].ConnectionString;

        public string RabbitMq => servers[2].ConnectionString;

        public static async Task<LocalProcessInfrastructure> StartAsync(string workDirectory)
        {
            var logs = new ResourceLogs(Path.Combine(workDirectory, "logs"), console: false);
            LocalServer[] servers =
            [
                new LocalPostgresServer("postgres", Path.Combine(workDirectory, "postgres"), PortAllocator.GetFreePort(), logs, durable: false),
                new LocalRedisServer("redis", Path.Combine(workDirectory, "redis"), PortAllocator.GetFreePort(), logs, durable: false),
                new LocalRabbitMqServer("rabbitmq", Path.Combine(workDirectory, "rabbitmq"), RabbitMqPorts.Free(), $"hs-{Guid.NewGuid():N}"[..16] + "@localhost", logs),
            ];
            try
            {
                // RabbitMQ takes longest: start everything at once.
                await Task.WhenAll(servers.Select(s => s.StartAsync(CancellationToken.None)));
                await Task.WhenAll(servers.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(90), CancellationToken.None)));
            }
            catch
            {
                await Task.WhenAll(servers.Select(s => s.StopAsync()));
                throw;
            }

            return new LocalProcessInfrastructure(servers);
        }

        public async ValueTask DisposeAsync() => await Task.WhenAll(servers.Select(s => s.StopAsync()));
    }
}

/// <summary>Where the three servers of a test run come from.</summary>
internal interface IInfrastructure : IAsyncDisposable
{
    string Source { get; }

    string Postgres { get; }

    string Redis { get; }

    string RabbitMq { get; }
}
