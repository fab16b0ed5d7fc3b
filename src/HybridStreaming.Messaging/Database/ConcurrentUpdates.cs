using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Messaging.Database;

/// <summary>Saving an outcome onto a row that someone else may change meanwhile (optimistic concurrency).</summary>
public static class ConcurrentUpdates
{
    /// <summary>
    /// Applies <paramref name="outcome"/> to <paramref name="entity"/> and saves. If another writer changed
    /// the row first (a consumer recording a stop while a processor talked to a provider), reloads it and
    /// applies the outcome again, so neither change is lost.
    /// </summary>
    public static async Task ApplyAndSaveAsync<TEntity>(
        this DbContext db, TEntity entity, object key, Action<TEntity> outcome, CancellationToken cancellationToken, int maxAttempts = 5)
        where TEntity : class
    {
        outcome(entity);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < maxAttempts)
            {
                db.ChangeTracker.Clear();
                var fresh = await db.Set<TEntity>().FindAsync([key], cancellationToken);
                if (fresh is null)
                {
                    return;
                }

                outcome(fresh);
            }
        }
    }
}

/// <summary>Pauses between attempts of a task step: exponential with jitter, or what the provider asked for.</summary>
public static class RetryDelay
{
    public static TimeSpan For(int attempts, TimeSpan? providerAsked = null, TimeSpan? max = null)
    {
        var ceiling = max ?? TimeSpan.FromSeconds(10);
        if (providerAsked is { } asked && asked > TimeSpan.Zero)
        {
            return asked < ceiling ? asked : ceiling;
        }

        var exponential = TimeSpan.FromMilliseconds(250 * Math.Pow(2, Math.Min(attempts, 8)));
        var capped = exponential < ceiling ? exponential : ceiling;
        return capped * (0.75 + (Random.Shared.NextDouble() * 0.5));
    }
}
