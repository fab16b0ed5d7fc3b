using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridStreaming.Messaging.Database;

/// <summary>
/// Applies pending migrations when the service starts, before the bus and the relays (hosted services
/// start in registration order). Waits for Postgres for a while instead of failing on the first refusal,
/// then gives up with the reason, so a service never runs on a schema it does not know.
/// Concurrent replicas are safe: each migrates under a Postgres advisory lock, so on a fresh database
/// the first creates the schema and the others find it applied (EF Core's own migration lock does not
/// cover creating its history table: two replicas starting together both ran the first migration).
/// </summary>
internal sealed partial class DatabaseMigrator<TDbContext>(
    IServiceScopeFactory scopes,
    ILogger<DatabaseMigrator<TDbContext>> logger) : IHostedService
    where TDbContext : DbContext
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    /// <summary>The advisory lock migrations take (its key is "HS-MIGRT" as a number); one per database.</summary>
    private const string Lock = "SELECT pg_advisory_lock(5211559003762938452)";

    private const string Unlock = "SELECT pg_advisory_unlock(5211559003762938452)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                var known = db.Database.GetMigrations().ToList();
                // The lock is the session's, so it is held on the connection the migration runs on.
                await db.Database.OpenConnectionAsync(cancellationToken);
                try
                {
                    await db.Database.ExecuteSqlRawAsync(Lock, cancellationToken);
                    try
                    {
                        await db.Database.MigrateAsync(cancellationToken);
                    }
                    finally
                    {
                        // Explicitly: the pooled connection keeps its session (and the lock) when closed.
                        await db.Database.ExecuteSqlRawAsync(Unlock, CancellationToken.None);
                    }
                }
                finally
                {
                    await db.Database.CloseConnectionAsync();
                }

                LogApplied(logger, typeof(TDbContext).Name, known.Count, known.LastOrDefault() ?? "none");
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient
                && TimeProvider.System.GetElapsedTime(started) < GiveUpAfter)
            {
                LogWaiting(logger, exception.Message, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database of {DbContext} is up to date ({Count} migrations, latest {Latest})")]
    private static partial void LogApplied(ILogger logger, string dbContext, int count, string latest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres is not reachable yet ({Reason}); retrying in {DelaySeconds} s")]
    private static partial void LogWaiting(ILogger logger, string reason, double delaySeconds);
}
