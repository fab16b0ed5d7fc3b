using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Recording.Worker.Infrastructure;

public sealed class RecordingsDbContext(DbContextOptions<RecordingsDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class RecordingsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<RecordingsDbContext>
{
    protected override RecordingsDbContext Create(DbContextOptions<RecordingsDbContext> options) => new(options);
}
