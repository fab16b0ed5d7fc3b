using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Cost.Api.Infrastructure;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Cost.Api.Application;

/// <summary>
/// Takes one fact into a session's ledger and writes a revision when it is due, in the consumer's
/// transaction (with the inbox row and the outbox's <c>SessionCostRecorded</c>). Two facts of one session
/// consumed at once never both write: the row's <c>xmin</c> makes the later save conflict, and
/// <see cref="ConcurrentUpdates.ApplyAndSaveAsync{TEntity}"/> applies it again to the fresh row.
/// </summary>
public sealed partial class LedgerStore(CostsDbContext db, CostModel model, CostOptions options, TimeProvider clock, ILogger<LedgerStore> logger)
{
    /// <param name="take">Takes the fact; false when the ledger already had one of its kind.</param>
    public async Task TakeAsync(Guid sessionId, Guid channelId, string fact, Func<SessionLedger, DateTimeOffset, bool> take, CancellationToken cancellationToken)
    {
        await EnsureRowAsync(sessionId, channelId, cancellationToken);
        var ledger = await db.Sessions.SingleAsync(s => s.SessionId == sessionId, cancellationToken);
        await db.ApplyAndSaveAsync(ledger, sessionId, current => Take(current, fact, take), cancellationToken);
    }

    /// <summary>The deadline passed: writes what there is, unless a revision is already current.</summary>
    public async Task RecordAtDeadlineAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        if (await db.Sessions.FindAsync([sessionId], cancellationToken) is not { } ledger)
        {
            return;
        }

        await db.ApplyAndSaveAsync(ledger, sessionId, current =>
        {
            if (!Record(current, clock.GetUtcNow()))
            {
                current.Idle();
            }
        }, cancellationToken);
    }

    private void Take(SessionLedger ledger, string fact, Func<SessionLedger, DateTimeOffset, bool> take)
    {
        var now = clock.GetUtcNow();
        if (!take(ledger, now))
        {
            // The same fact under another message id (a republish, a replayed event): the inbox did
            // not know it, the ledger does. Nothing changed, so the save writes nothing.
            LogDuplicate(logger, fact, ledger.SessionId);
            return;
        }

        if (ledger.NextAttemptAt is not null && ledger.TraceParent is null)
        {
            // The deadline's write runs in the trace of the fact that scheduled it.
            var trace = StoredTraceContext.Current;
            ledger.ContinueTrace(trace.TraceParent, trace.TraceState);
        }

        Record(ledger, now);
    }

    private bool Record(SessionLedger ledger, DateTimeOffset now)
    {
        if (!ledger.RecordIfDue(model, now))
        {
            return false;
        }

        db.Lines.AddRange(ledger.PendingLines);
        if (ledger.Status == LedgerStatus.Provisional)
        {
            LogProvisional(logger, ledger.SessionId, ledger.Revision, string.Join(", ", ledger.Unconfirmed));
        }

        return true;
    }

    /// <summary>The session's row, created by whichever fact comes first; concurrent firsts do not collide.</summary>
    private Task EnsureRowAsync(Guid sessionId, Guid channelId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO session_costs (session_id, channel_id, audience, status, revision, unconfirmed, stale)
            VALUES ({sessionId}, {channelId}, {options.AgoraAudience.ToString()}, {nameof(LedgerStatus.Collecting)}, 0, {Array.Empty<string>()}, false)
            ON CONFLICT (session_id) DO NOTHING
            """,
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cost ledger of session {SessionId} already has {Fact}; the repeat changes nothing")]
    private static partial void LogDuplicate(ILogger logger, string fact, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cost ledger of session {SessionId} was written as revision {Revision} at its deadline without: {Missing}")]
    private static partial void LogProvisional(ILogger logger, Guid sessionId, int revision, string missing);
}
