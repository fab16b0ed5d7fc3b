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
/// Concurrent replicas are safe: EF Core takes a migration lock.
/// </summary>
internal sealed partial class DatabaseMigrator<TDbContext>(
    IServiceScopeFactory scopes,
    ILogger<DatabaseMigrator<TDbContext>> logger) : IHostedService
    where TDbContext : DbContext
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

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
                // MigrateAsync takes EF's migration lock, checks the history table and applies what is missing.
                await db.Database.MigrateAsync(cancellationToken);
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
