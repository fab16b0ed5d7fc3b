using System.Globalization;
using System.Security.Cryptography;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridStreaming.AppHost.Infrastructure;

/// <summary>Postgres (with the services' databases), Redis and RabbitMQ, as the services reference them.</summary>
public sealed record InfrastructureResources(
    IResourceBuilder<IResourceWithConnectionString> Postgres,
    IReadOnlyDictionary<string, IResourceBuilder<IResourceWithConnectionString>> Databases,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> RabbitMq);

/// <summary>
/// Where the infrastructure comes from, per server: a connection string in configuration
/// (<c>ConnectionStrings__postgres</c>, <c>__redis</c>, <c>__rabbitmq</c>) is used as it is; otherwise,
/// by default, the server runs as an executable resource over Debian's binaries (first-run setup, data
/// in the state folder, a health check); with <c>AppHost:Infrastructure=containers</c>, Aspire's own
/// container resources are used (needs a container runtime, which the project's machines do not have).
/// </summary>
public static class InfrastructureExtensions
{
    private const string RabbitMqUser = "hybridstreaming";

    public static InfrastructureResources AddInfrastructure(this IDistributedApplicationBuilder builder, AppHostSettings settings, IReadOnlyList<string> databases)
    {
        if (string.Equals(settings.Infrastructure, "containers", StringComparison.OrdinalIgnoreCase))
        {
            return builder.AddContainerInfrastructure(databases);
        }

        if (!string.Equals(settings.Infrastructure, "local", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"AppHost:Infrastructure is '{settings.Infrastructure}'; use 'local' (the default) or 'containers'.");
        }

        var postgres = builder.Configuration.GetConnectionString(KnownResources.Postgres) is { Length: > 0 }
            ? ExternalServer(builder, KnownResources.Postgres)
            : builder.AddLocalPostgres(settings);
        var redis = builder.Configuration.GetConnectionString(KnownResources.Redis) is { Length: > 0 }
            ? ExternalServer(builder, KnownResources.Redis)
            : builder.AddLocalRedis(settings);
        var rabbitmq = builder.Configuration.GetConnectionString(KnownResources.RabbitMq) is { Length: > 0 }
            ? ExternalServer(builder, KnownResources.RabbitMq)
            : builder.AddLocalRabbitMq(settings);
        Func<CancellationToken, ValueTask<string?>> serverConnectionString = ct => postgres.Resource.ConnectionStringExpression.GetValueAsync(ct);
        var databaseResources = databases.ToDictionary(
            name => name,
            name => (IResourceBuilder<IResourceWithConnectionString>)builder.AddDatabase(postgres, name, serverConnectionString),
            StringComparer.Ordinal);
        return new InfrastructureResources(postgres, databaseResources, redis, rabbitmq);
    }

    /// <summary>A server given by connection string: used as it is, with a health check so services still wait for it.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> ExternalServer(IDistributedApplicationBuilder builder, string name)
    {
        var connectionString = builder.Configuration.GetConnectionString(name)!;
        var check = $"{name}-server";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, ct => Probe(name, connectionString, ct));
        return builder.AddConnectionString(name).WithHealthCheck(check);
    }

    private static Task<HealthCheckResult> Probe(string kind, string connectionString, CancellationToken cancellationToken) =>
        PatientHealthCheck.RunAsync(
            ct => kind switch
            {
                KnownResources.Postgres => Probes.PostgresAsync(connectionString, ct),
                KnownResources.Redis => Probes.RedisAsync(connectionString, ct),
                _ => Probes.RabbitMqAsync(connectionString, ct),
            },
            cancellationToken);

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var state = settings.State(KnownResources.Postgres);
        var secret = KeptSecret.LoadOrCreate(Path.Combine(state, "password"), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var password = builder.AddParameter("postgres-password", secret, secret: true);
        var port = AppHostSettings.PortOrFree(settings.PostgresPort);
        var connectionString = $"Host=127.0.0.1;Port={Invariant(port)};Username=postgres;Password={secret}";
        var server = new LocalServerResource(
            KnownResources.Postgres,
            Script(builder, "postgres.sh"),
            state,
            ReferenceExpression.Create($"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={password.Resource}"));
        var check = $"{KnownResources.Postgres}-server";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, ct => Probe(KnownResources.Postgres, connectionString, ct));
        return builder.AddResource(server)
            .WithArgs(state, Invariant(port), settings.DurableInfrastructure ? "true" : "false")
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(check)
            .WithIconName("Database");
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var state = settings.State(KnownResources.Redis);
        Directory.CreateDirectory(state);
        var port = AppHostSettings.PortOrFree(settings.RedisPort);
        var connectionString = $"127.0.0.1:{Invariant(port)}";
        var server = new LocalServerResource(KnownResources.Redis, RedisServer(), state, ReferenceExpression.Create($"{connectionString}"));
        var check = $"{KnownResources.Redis}-server";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, ct => Probe(KnownResources.Redis, connectionString, ct));
        return builder.AddResource(server)
            .WithArgs(
                "--port", Invariant(port), "--bind", "127.0.0.1", "--dir", state, "--appendonly", "no",
                "--save", settings.DurableInfrastructure ? "60 1" : "", "--daemonize", "no", "--loglevel", "warning")
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(check)
            .WithIconName("Memory");
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRabbitMq(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var state = settings.State(KnownResources.RabbitMq);
        var secret = KeptSecret.LoadOrCreate(Path.Combine(state, "password"), () => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        var password = builder.AddParameter("rabbitmq-password", secret, secret: true);
        var port = AppHostSettings.PortOrFree(settings.RabbitMqPort);
        var management = settings.RabbitMqManagement ? AppHostSettings.PortOrFree(settings.RabbitMqManagementPort) : 0;
        var connectionString = $"amqp://{RabbitMqUser}:{secret}@127.0.0.1:{Invariant(port)}/";
        var server = new LocalServerResource(
            KnownResources.RabbitMq,
            Script(builder, "rabbitmq.sh"),
            state,
            ReferenceExpression.Create($"amqp://{RabbitMqUser}:{password.Resource}@127.0.0.1:{Invariant(port)}/"));
        var check = $"{KnownResources.RabbitMq}-server";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, ct => Probe(KnownResources.RabbitMq, connectionString, ct));
        var resource = builder.AddResource(server)
            .WithArgs(
                state, Invariant(port), Invariant(AppHostSettings.PortOrFree(settings.RabbitMqDistributionPort)),
                Invariant(AppHostSettings.PortOrFree(settings.RabbitMqEpmdPort)), settings.RabbitMqNodeName, Invariant(management))
            .WithEnvironment("RABBITMQ_USER", RabbitMqUser)
            .WithEnvironment("RABBITMQ_PASSWORD", password)
            .WithEndpoint(port: port, targetPort: port, scheme: "amqp", name: "tcp", isProxied: false)
            .WithHealthCheck(check)
            .WithIconName("Mailbox");
        if (management > 0)
        {
            resource.WithHttpEndpoint(port: management, targetPort: management, name: "management", isProxied: false);
        }

        return resource;
    }

    /// <summary>
    /// A service's database on <paramref name="server"/>: created once the server is healthy (as Aspire's
    /// own Postgres databases are), then Running with a health check that queries it on a pooled connection.
    /// </summary>
    private static IResourceBuilder<DatabaseResource> AddDatabase(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<IResourceWithConnectionString> server,
        string name,
        Func<CancellationToken, ValueTask<string?>> serverConnectionString)
    {
        var database = builder.AddResource(new DatabaseResource(name, name, server.Resource));
        var check = $"{name}-database";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, async ct =>
        {
            var connectionString = await serverConnectionString(ct);
            return connectionString is null
                ? HealthCheckResult.Unhealthy($"{server.Resource.Name} has no connection string yet")
                : await PatientHealthCheck.RunAsync(
                    token => Probes.PostgresAsync(new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString, token), ct);
        });
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (ready, ct) =>
        {
            if (!builder.Resources.Contains(database.Resource))
            {
                return; // Not part of this run (AppHost:Only).
            }

            var notifications = ready.Services.GetRequiredService<ResourceNotificationService>();
            try
            {
                await EnsureDatabaseAsync(await serverConnectionString(ct) ?? throw new InvalidOperationException($"{server.Resource.Name} has no connection string."), name, ct);
                await notifications.PublishUpdateAsync(database.Resource, state => state with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                });
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                await notifications.PublishUpdateAsync(database.Resource, state => state with { State = KnownResourceStates.FailedToStart });
                ready.Services.GetRequiredService<ResourceLoggerService>().GetLogger(database.Resource)
                    .LogError(exception, "Could not create database {Database} on {Server}", name, server.Resource.Name);
            }
        });
        return database
            .WithHealthCheck(check)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Database",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithIconName("DatabaseStack");
    }

    /// <summary>Creates the database unless it exists.</summary>
    public static async Task EnsureDatabaseAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently: fine.
        }
    }

    /// <summary>
    /// Aspire's own container resources, where a container runtime is present and chosen
    /// (<c>AppHost:Infrastructure=containers</c>; connection strings in configuration are not consulted
    /// then). Not available on the project's machines, which have no container engine; it compiles and is
    /// documented (README, decision 0008).
    /// </summary>
    private static InfrastructureResources AddContainerInfrastructure(this IDistributedApplicationBuilder builder, IReadOnlyList<string> databases)
    {
        var postgres = builder.AddPostgres(KnownResources.Postgres).WithDataVolume();
        var redis = builder.AddRedis(KnownResources.Redis).WithDataVolume();
        var rabbitmq = builder.AddRabbitMQ(KnownResources.RabbitMq).WithDataVolume();
        return new InfrastructureResources(
            postgres,
            databases.ToDictionary(name => name, name => (IResourceBuilder<IResourceWithConnectionString>)postgres.AddDatabase(name), StringComparer.Ordinal),
            redis,
            rabbitmq);
    }

    private static string Script(IDistributedApplicationBuilder builder, string name) =>
        Path.Combine(builder.AppHostDirectory, "Infrastructure", name);

    private static string RedisServer() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "Redis is not installed: sudo apt-get install -y redis-server (./run.sh and ./test.sh install it).");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A server the AppHost runs from the operating system's packages, with the connection string clients use.</summary>
public sealed class LocalServerResource(string name, string command, string workingDirectory, ReferenceExpression connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}

/// <summary>A service's database on a Postgres server (local or given by connection string).</summary>
public sealed class DatabaseResource(string name, string databaseName, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;

    public IResourceWithConnectionString Parent { get; } = server;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
