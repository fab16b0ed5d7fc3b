using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Cost.Api.Infrastructure;

public sealed class CostsDbContext(DbContextOptions<CostsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class CostsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<CostsDbContext>
{
    protected override CostsDbContext Create(DbContextOptions<CostsDbContext> options) => new(options);
}
