using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace HybridStreaming.Messaging.Inbox;

/// <summary>Records processed messages in the service's database, inside the consumer's transaction.</summary>
public interface IInboxStore
{
    /// <summary>
    /// Opens the transaction the consumer's work commits in and claims <paramref name="messageId"/> for
    /// <paramref name="consumer"/>. <see cref="InboxClaim.AlreadyProcessed"/> is true when an earlier
    /// delivery already committed; a concurrent duplicate waits here until the first one finishes.
    /// </summary>
    Task<InboxClaim> ClaimAsync(Guid messageId, string consumer, string messageType, CancellationToken cancellationToken);
}

public sealed class InboxClaim(IDbContextTransaction? transaction, DbContext db) : IAsyncDisposable
{
    private bool _completed;

    public bool AlreadyProcessed => transaction is null;

    /// <summary>Commits the consumer's changes, its outbox rows and the inbox row together.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (transaction is null)
        {
            return;
        }

        await transaction.CommitAsync(cancellationToken);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (transaction is null)
        {
            return;
        }

        if (!_completed)
        {
            // A failed attempt leaves nothing behind, not even in the change tracker, so a retry in the
            // same scope starts clean.
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
        }

        await transaction.DisposeAsync();
    }
}

internal sealed class InboxStore<TDbContext>(TDbContext db, TimeProvider clock) : IInboxStore
    where TDbContext : DbContext
{
    public async Task<InboxClaim> ClaimAsync(Guid messageId, string consumer, string messageType, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            var inserted = await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO inbox_messages (message_id, consumer, message_type, processed_at)
                VALUES ({messageId}, {consumer}, {messageType}, {now})
                ON CONFLICT DO NOTHING
                """,
                cancellationToken);
            if (inserted == 1)
            {
                return new InboxClaim(transaction, db);
            }

            await transaction.RollbackAsync(cancellationToken);
            await transaction.DisposeAsync();
            return new InboxClaim(null, db);
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }
}
