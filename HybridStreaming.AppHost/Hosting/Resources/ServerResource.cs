using HybridStreaming.AppHost.Hosting.Local;

namespace HybridStreaming.AppHost.Hosting.Resources;

/// <summary>
/// Postgres, Redis or RabbitMQ: either a local process this AppHost runs (the default), or a server
/// given by a connection string in configuration (<c>ConnectionStrings__{name}</c>), which is only
/// checked, never started or stopped.
/// </summary>
public sealed class ServerResource : Resource, IResourceWithConnectionString
{
    private readonly string? _external;
    private readonly Func<string, CancellationToken, Task<string?>> _probe;

    private ServerResource(string name, string kind, LocalServer? local, string? external, Func<string, CancellationToken, Task<string?>> probe)
        : base(name)
    {
        Kind = kind;
        Local = local;
        _external = external;
        _probe = probe;
    }

    public override string Kind { get; }

    /// <summary>The local server, or null when an external server is used.</summary>
    public LocalServer? Local { get; }

    public bool IsExternal => _external is not null;

    public string ConnectionString => _external ?? Local!.ConnectionString;

    public override string? Url => IsExternal ? "(external)" : Local switch
    {
        LocalPostgresServer postgres => $"postgres://127.0.0.1:{postgres.Port}",
        LocalRedisServer redis => $"redis://127.0.0.1:{redis.Port}",
        LocalRabbitMqServer rabbit => rabbit.ManagementUrl ?? $"amqp://127.0.0.1:{rabbit.Ports.Amqp}",
        _ => null,
    };

    public static ServerResource Postgres(string name, LocalPostgresServer? local, string? external) =>
        new(name, "postgres", local, external, Probes.PostgresAsync);

    public static ServerResource Redis(string name, LocalRedisServer? local, string? external) =>
        new(name, "redis", local, external, Probes.RedisAsync);

    public static ServerResource RabbitMq(string name, LocalRabbitMqServer? local, string? external) =>
        new(name, "rabbitmq", local, external, Probes.RabbitMqAsync);

    internal override Task StartAsync(CancellationToken cancellationToken) =>
        Local?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    internal override Task<string?> CheckHealthAsync(CancellationToken cancellationToken) =>
        _probe(ConnectionString, cancellationToken);

    internal override Task StopAsync() => Local?.StopAsync() ?? Task.CompletedTask;

    internal override Task<int>? Exited => Local?.MainProcess?.Exited;

    internal override IReadOnlyList<int> ProcessIds => Local is null ? [] : [.. Local.Processes.Select(p => p.Pid)];
}

/// <summary>A database on a Postgres server resource, created when missing (as Aspire's <c>AddDatabase</c>).</summary>
public sealed class PostgresDatabaseResource : Resource, IResourceWithConnectionString
{
    public PostgresDatabaseResource(string name, ServerResource server, string databaseName)
        : base(name)
    {
        Server = server;
        DatabaseName = databaseName;
        Dependencies.Add(server);
    }

    public ServerResource Server { get; }

    public string DatabaseName { get; }

    public override string Kind => "postgres-database";

    public override string? Url => $"{Server.Url}/{DatabaseName}";

    public string ConnectionString => $"{Server.ConnectionString};Database={DatabaseName}";

    internal override Task StartAsync(CancellationToken cancellationToken) =>
        PostgresDatabases.EnsureCreatedAsync(Server.ConnectionString, DatabaseName, cancellationToken);

    internal override Task<string?> CheckHealthAsync(CancellationToken cancellationToken) =>
        Probes.PostgresAsync(ConnectionString, cancellationToken);

    internal override Task StopAsync() => Task.CompletedTask;
}
