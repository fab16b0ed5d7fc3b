using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Domain;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Infrastructure;

/// <summary>
/// Database timers (architecture §8.2): a start not confirmed in time goes live anyway (agora-only
/// when the relay is missing), a stop not confirmed in time ends, a seller away past the grace period
/// is stopped. Rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several replicas share the work
/// without doing any of it twice.
/// </summary>
internal sealed partial class SessionDeadlineSweeper(
    IServiceScopeFactory scopes,
    ChannelsOptions options,
    TimeProvider clock,
    ILogger<SessionDeadlineSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await SweepOnceAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception exception) when (exception is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, exception);
            }
        }
    }

    internal async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ChannelsDbContext>();
        var presence = scope.ServiceProvider.GetRequiredService<ViewerPresence>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.Sessions.FromSql($"""
            SELECT *, xmin FROM stream_sessions
            WHERE (state = 'Starting' AND start_deadline <= {now})
               OR (state = 'Stopping' AND stop_deadline <= {now})
               OR (state IN ('Starting', 'Live') AND grace_deadline <= {now})
            ORDER BY started_at
            LIMIT {BatchSize}
            FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);

        foreach (var session in due)
        {
            if (session.GraceDeadline <= now && session.OnGraceExpired(now, options.StopDeadline).Applied)
            {
                LogGraceExpired(logger, session.Id, session.ChannelId);
            }

            if (session.StartDeadline <= now && session.OnStartDeadlinePassed(now).Applied)
            {
                LogStartDeadline(logger, session.Id, Words(session));
            }

            if (session.StopDeadline <= now && session.OnStopDeadlinePassed(now).Applied)
            {
                LogStopDeadline(logger, session.Id, session.Reason ?? "");
            }

            await SessionStore.ReportViewerUsageIfEndedAsync(session, presence, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    private static string Words(StreamSession session) =>
        $"{session.State}/{session.Mode}, recording {session.Recording}, relay {session.Relay}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: start deadline passed; now {Outcome}")]
    private static partial void LogStartDeadline(ILogger logger, Guid sessionId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: stop not confirmed in time; ended. {Reason}")]
    private static partial void LogStopDeadline(ILogger logger, Guid sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of channel {ChannelId}: the seller did not come back within the grace period; stopping")]
    private static partial void LogGraceExpired(ILogger logger, Guid sessionId, Guid channelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline sweep failed; retrying next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
