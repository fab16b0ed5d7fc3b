using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Infrastructure;

public sealed class ChannelsDbContext(DbContextOptions<ChannelsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class ChannelsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<ChannelsDbContext>
{
    protected override ChannelsDbContext Create(DbContextOptions<ChannelsDbContext> options) => new(options);
}
