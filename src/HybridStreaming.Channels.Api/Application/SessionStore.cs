using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>Loads sessions and applies transitions with optimistic concurrency.</summary>
public sealed partial class SessionStore(ChannelsDbContext db, ViewerPresence presence, TimeProvider clock, ILogger<SessionStore> logger)
{
    private const int MaxAttempts = 5;

    public Task<StreamSession?> FindActiveAsync(Guid channelId, CancellationToken cancellationToken) =>
        db.Sessions.Where(StreamSession.Active).Where(s => s.ChannelId == channelId).FirstOrDefaultAsync(cancellationToken);

    public Task<StreamSession?> FindLatestAsync(Guid channelId, CancellationToken cancellationToken) =>
        db.Sessions.AsNoTracking().Where(s => s.ChannelId == channelId).OrderByDescending(s => s.StartedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Applies <paramref name="transition"/> to the session and saves (its events go to the outbox in the
    /// same commit). When another writer changed the session meanwhile, reloads and applies again, so no
    /// event is lost to a race. Returns null when there is no such session.
    /// </summary>
    public async Task<Transition?> ApplyAsync(
        Guid sessionId,
        string what,
        Func<StreamSession, DateTimeOffset, Transition> transition,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
            if (session is null)
            {
                LogUnknownSession(logger, what, sessionId);
                return null;
            }

            var now = clock.GetUtcNow();
            var result = transition(session, now);
            if (!result.Applied)
            {
                LogIgnored(logger, what, sessionId, result.IgnoredBecause ?? "");
            }

            await ReportViewerUsageIfEndedAsync(session, presence, now);

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                LogConflict(logger, what, sessionId, attempt);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// A session that has just ended reports its viewers' usage in the same save, so
    /// <c>ViewerUsageReported</c> commits with <c>StreamEnded</c> (every path that ends a session calls this).
    /// </summary>
    public static async Task ReportViewerUsageIfEndedAsync(StreamSession session, ViewerPresence presence, DateTimeOffset now)
    {
        if (session.AwaitsViewerUsage)
        {
            session.ReportViewerUsage(await presence.UsageAsync(session.Id), now);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{What} for unknown session {SessionId}; ignored")]
    private static partial void LogUnknownSession(ILogger logger, string what, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{What} for session {SessionId} ignored: {Because}")]
    private static partial void LogIgnored(ILogger logger, string what, Guid sessionId, string because);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{What} for session {SessionId}: concurrent change, attempt {Attempt}; reloading")]
    private static partial void LogConflict(ILogger logger, string what, Guid sessionId, int attempt);
}
