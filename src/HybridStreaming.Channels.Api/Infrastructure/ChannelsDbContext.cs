using System.Data.Common;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HybridStreaming.Channels.Api.Infrastructure;

public sealed class ChannelsDbContext(DbContextOptions<ChannelsDbContext> options)
    : DbContext(options)
{
    // Pooled (AddServiceDatabase): a context is reused by later requests, so it holds no services, and
    // this set is emptied whenever its changes commit or roll back.
    private readonly HashSet<Guid> _channelsToInvalidate = [];
    private readonly List<ChannelsMetrics.Committed> _toCount = [];

    public DbSet<Channel> Channels => Set<Channel>();

    public DbSet<StreamSession> Sessions => Set<StreamSession>();

    public DbSet<RtcIdentity> RtcIdentities => Set<RtcIdentity>();

    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();

    /// <summary>Saves (raised events go to the outbox, see IntegrationEventsInterceptor) and notes whose cached playback answer must go once the change is visible.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changedChannels = ChangeTracker.Entries<StreamSession>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.ChannelId)
            .ToList();
        // Noted before saving: the interceptor acts when the save (or its surrounding transaction) commits.
        // A save that fails only costs a cache entry that was still right.
        _channelsToInvalidate.UnionWith(changedChannels);
        // Taken before the save moves the events to the outbox; counted in the metrics once it commits.
        _toCount.AddRange(ChangeTracker.Entries<StreamSession>()
            .Where(e => e.Entity.PendingEvents.Count > 0)
            .Select(e => new ChannelsMetrics.Committed(e.Entity.StartedAt, [.. e.Entity.PendingEvents], [.. e.Entity.PendingFallbackCauses()])));
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>The channels changed since the last call (and clears them).</summary>
    internal IReadOnlyList<Guid> TakeChannelsToInvalidate()
    {
        var channels = _channelsToInvalidate.ToList();
        _channelsToInvalidate.Clear();
        return channels;
    }

    /// <summary>The session changes committed since the last call, for the metrics (and clears them).</summary>
    internal IReadOnlyList<ChannelsMetrics.Committed> TakeCommittedChanges()
    {
        var changes = _toCount.ToList();
        _toCount.Clear();
        return changes;
    }

    internal void DiscardPendingInvalidations()
    {
        _channelsToInvalidate.Clear();
        _toCount.Clear();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChannelsDbContext).Assembly);
    }
}

/// <summary>
/// Removes the cached playback answers of the channels a save changed once the change is visible to
/// others: right after the save, or when the surrounding transaction (a consumer's inbox transaction)
/// commits; a rollback drops them. One instance serves every context, so it keeps no state of its own.
/// The same moment counts the committed changes in the metrics (<see cref="ChannelsMetrics"/>).
/// </summary>
internal sealed class PlaybackInvalidationInterceptor(PlaybackCache playbackCache, ChannelsMetrics metrics) : DbTransactionInterceptor, ISaveChangesInterceptor
{
    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ChannelsDbContext { Database.CurrentTransaction: null } db)
        {
            await InvalidateAsync(db, cancellationToken);
        }

        return result;
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ChannelsDbContext db)
        {
            await InvalidateAsync(db, cancellationToken);
        }
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as ChannelsDbContext)?.DiscardPendingInvalidations();
        return Task.CompletedTask;
    }

    private async Task InvalidateAsync(ChannelsDbContext db, CancellationToken cancellationToken)
    {
        metrics.Record(db.TakeCommittedChanges());
        foreach (var channelId in db.TakeChannelsToInvalidate())
        {
            await playbackCache.InvalidateAsync(channelId, cancellationToken);
        }
    }
}

internal sealed class ChannelsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<ChannelsDbContext>
{
    protected override ChannelsDbContext Create(DbContextOptions<ChannelsDbContext> options) => new(options);
}
