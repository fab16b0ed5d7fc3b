using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Relay.Worker.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HybridStreaming.Relay.Worker.Infrastructure;

public sealed class RelaysDbContext(DbContextOptions<RelaysDbContext> options) : DbContext(options)
{
    public const string TasksTable = "relay_tasks";

    public DbSet<RelayTask> Tasks => Set<RelayTask>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RelaysDbContext).Assembly);
    }
}

internal sealed class RelayTaskConfiguration : IEntityTypeConfiguration<RelayTask>
{
    public void Configure(EntityTypeBuilder<RelayTask> task)
    {
        task.ToTable(RelaysDbContext.TasksTable);
        task.HasKey(t => t.SessionId);
        task.Property(t => t.ChannelName).HasMaxLength(64);
        task.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.LiveInputUid).HasMaxLength(64);
        task.Property(t => t.ConverterId).HasMaxLength(128);
        task.Property(t => t.HlsPlaybackUrl).HasMaxLength(1024);
        task.Property(t => t.FailureReason).HasMaxLength(1000);
        task.Property(t => t.LastError).HasMaxLength(1000);
        task.Property(t => t.TraceParent).HasMaxLength(StoredTraceContext.TraceParentMaxLength);
        task.Property(t => t.TraceState).HasMaxLength(StoredTraceContext.TraceStateMaxLength);
        task.Property(t => t.Minutes).HasPrecision(12, 3);
        task.Property(t => t.Version).IsRowVersion();
        task.Ignore(t => t.PendingEvents);
        task.Ignore(t => t.ConverterName);
        task.Ignore(t => t.AwaitsRelease);
        task.HasIndex(t => t.NextAttemptAt).HasFilter("next_attempt_at IS NOT NULL");
    }
}

internal sealed class RelaysDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<RelaysDbContext>
{
    protected override RelaysDbContext Create(DbContextOptions<RelaysDbContext> options) => new(options);
}
