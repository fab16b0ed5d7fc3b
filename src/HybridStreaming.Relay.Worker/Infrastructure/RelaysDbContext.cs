using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Relay.Worker.Infrastructure;

public sealed class RelaysDbContext(DbContextOptions<RelaysDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class RelaysDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<RelaysDbContext>
{
    protected override RelaysDbContext Create(DbContextOptions<RelaysDbContext> options) => new(options);
}
