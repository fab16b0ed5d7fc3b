using System.Data.Common;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HybridStreaming.Channels.Api.Infrastructure;

public sealed class ChannelsDbContext(DbContextOptions<ChannelsDbContext> options, PlaybackCache? playbackCache = null)
    : DbContext(options)
{
    private readonly HashSet<Guid> _channelsToInvalidate = [];

    public DbSet<Channel> Channels => Set<Channel>();

    public DbSet<StreamSession> Sessions => Set<StreamSession>();

    public DbSet<RtcIdentity> RtcIdentities => Set<RtcIdentity>();

    public DbSet<WebhookReceipt> WebhookReceipts => Set<WebhookReceipt>();

    /// <summary>Saves (raised events go to the outbox, see IntegrationEventsInterceptor) and schedules the playback cache invalidation.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changedChannels = ChangeTracker.Entries<StreamSession>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.ChannelId)
            .ToList();
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);

        // The cached playback answer goes once the change is visible to others: now, or when the
        // surrounding transaction (a consumer's inbox transaction) commits.
        _channelsToInvalidate.UnionWith(changedChannels);
        if (Database.CurrentTransaction is null)
        {
            await InvalidatePlaybackAsync(cancellationToken);
        }

        return saved;
    }

    internal async Task InvalidatePlaybackAsync(CancellationToken cancellationToken)
    {
        if (playbackCache is not null)
        {
            foreach (var channelId in _channelsToInvalidate)
            {
                await playbackCache.InvalidateAsync(channelId, cancellationToken);
            }
        }

        _channelsToInvalidate.Clear();
    }

    internal void DiscardPendingInvalidations() => _channelsToInvalidate.Clear();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChannelsDbContext).Assembly);
    }
}

/// <summary>Invalidates cached playback answers when the transaction that changed sessions commits.</summary>
internal sealed class PlaybackInvalidationInterceptor : DbTransactionInterceptor
{
    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ChannelsDbContext db)
        {
            await db.InvalidatePlaybackAsync(cancellationToken);
        }
    }

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as ChannelsDbContext)?.DiscardPendingInvalidations();
        return Task.CompletedTask;
    }
}

internal sealed class ChannelsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<ChannelsDbContext>
{
    protected override ChannelsDbContext Create(DbContextOptions<ChannelsDbContext> options) => new(options);
}
