using HybridStreaming.Messaging.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HybridStreaming.Messaging.Inbox;

/// <summary>Inbox tuning (configuration section <c>Messaging:Inbox</c>).</summary>
public sealed class InboxOptions
{
    /// <summary>How long processed ids are remembered: longer than any redelivery can arrive.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Deletes inbox rows past their retention, so the table does not grow forever.</summary>
internal sealed partial class InboxCleanup<TDbContext>(
    ServiceDatabase<TDbContext> database,
    IOptions<InboxOptions> options,
    TimeProvider clock,
    ILogger<InboxCleanup<TDbContext>> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, clock);
        do
        {
            try
            {
                await using var command = database.DataSource.CreateCommand(
                    $"DELETE FROM {MessagingModelBuilderExtensions.InboxTable} WHERE processed_at < @before");
                command.Parameters.AddWithValue("before", clock.GetUtcNow() - options.Value.Retention);
                var deleted = await command.ExecuteNonQueryAsync(stoppingToken);
                if (deleted > 0)
                {
                    LogDeleted(logger, deleted);
                }
            }
            catch (NpgsqlException exception)
            {
                LogFailed(logger, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} inbox rows past retention")]
    private static partial void LogDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox cleanup failed ({Reason}); trying again next interval")]
    private static partial void LogFailed(ILogger logger, string reason);
}
