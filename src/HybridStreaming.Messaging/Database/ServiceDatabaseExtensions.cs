using System.Data.Common;
using HybridStreaming.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace HybridStreaming.Messaging.Database;

public static class ServiceDatabaseExtensions
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// Registers the service's own Postgres database from <c>ConnectionStrings__{connectionName}</c>:
    /// the DbContext (snake_case names; events raised by aggregates go to the outbox on save), Aspire's
    /// Npgsql tracing and metrics, a readiness check, and — unless turned off — migrations applied
    /// at start-up, before anything else runs. <paramref name="configure"/> adds to the options (interceptors),
    /// which are built once for the process: what it adds must not hold per-request state. Contexts are
    /// pooled: their constructors take only the options.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TDbContext>(
        this IHostApplicationBuilder builder,
        string connectionName,
        bool migrateOnStartup = true,
        Action<IServiceProvider, DbContextOptionsBuilder>? configure = null)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.ConnectionStringBuilder.ApplicationName ??= builder.Environment.ApplicationName;
        // EF Core opens and closes the connection around every query outside a transaction, and by default
        // Npgsql sends DISCARD ALL with the first command after each checkout: a quarter of the statements
        // Postgres ran in a go-live burst. The services keep no session state on a connection (advisory
        // locks are transaction-scoped, nothing is SET, CommitSignal UNLISTENs before it gives its
        // connection back), and Npgsql still rolls back a transaction left open, so the reset is skipped
        // unless the connection string says otherwise (e.g. "No Reset On Close=false").
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
        {
            dataSourceBuilder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        dataSourceBuilder.Name = connectionName;

        builder.Services.AddSingleton(_ => new ServiceDatabase<TDbContext>(connectionName, dataSourceBuilder.Build()));
        // Pooled contexts with options built once: per scope, EF Core re-ran this lambda, hashed and
        // compared the options to find its internal service provider and resolved the context's internal
        // services again on every request — 14 % of the Channel API's CPU on a status poll. So a context
        // holds no request state beyond what EF resets, and the interceptors are stateless.
        builder.Services.AddDbContextPool<TDbContext>((sp, options) =>
        {
            options.UseServiceDatabase(sp.GetRequiredService<ServiceDatabase<TDbContext>>().DataSource);
            options.AddInterceptors(new IntegrationEventsInterceptor(sp.GetService<TimeProvider>() ?? TimeProvider.System));
            configure?.Invoke(sp, options);
        });

        // Aspire's client integration on top of our registration: Npgsql's tracing and metrics (and the
        // Aspire:Npgsql:EntityFrameworkCore:PostgreSQL settings). Two of its defaults are turned off:
        // - retries: a retrying execution strategy refuses user-initiated transactions, and the inbox,
        //   the outbox relay and the task processors all open their own; with retries off it leaves the
        //   pooled options above untouched (they stay built once).
        // - its health check: it would add a second Postgres check, named after the context type and
        //   without a timeout, beside ours, which is named after the connection (the entry operators and
        //   the topology tests look for) and gives up after 5 s.
        builder.EnrichNpgsqlDbContext<TDbContext>(settings =>
        {
            settings.DisableRetry = true;
            settings.DisableHealthChecks = true;
        });

        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new PostgresHealthCheck(sp.GetRequiredService<ServiceDatabase<TDbContext>>().DataSource),
            HealthStatus.Unhealthy,
            ["postgres"],
            TimeSpan.FromSeconds(5)));

        if (migrateOnStartup)
        {
            builder.Services.AddHostedService<DatabaseMigrator<TDbContext>>();
        }

        return builder;
    }

    /// <summary>The provider settings every service database uses, at run time and at design time (dotnet ef).</summary>
    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, ConfigureNpgsql).UseSnakeCaseNamingConvention();

    /// <inheritdoc cref="UseServiceDatabase(DbContextOptionsBuilder, NpgsqlDataSource)"/>
    public static DbContextOptionsBuilder UseServiceDatabase(this DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, ConfigureNpgsql).UseSnakeCaseNamingConvention();

    private static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable(MigrationsHistoryTable);

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("Postgres did not answer.", exception);
            }
        }
    }
}
