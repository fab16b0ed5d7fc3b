using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Recording.Worker.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HybridStreaming.Recording.Worker.Infrastructure;

public sealed class RecordingsDbContext(DbContextOptions<RecordingsDbContext> options) : DbContext(options)
{
    public const string TasksTable = "recording_tasks";

    public DbSet<RecordingTask> Tasks => Set<RecordingTask>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RecordingsDbContext).Assembly);
    }
}

internal sealed class RecordingTaskConfiguration : IEntityTypeConfiguration<RecordingTask>
{
    public void Configure(EntityTypeBuilder<RecordingTask> task)
    {
        task.ToTable(RecordingsDbContext.TasksTable);
        task.HasKey(t => t.SessionId);
        task.Property(t => t.ChannelName).HasMaxLength(64);
        task.Property(t => t.State).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.Tier).HasConversion<string>().HasMaxLength(16);
        task.Property(t => t.ResourceId).HasMaxLength(1024);
        task.Property(t => t.Sid).HasMaxLength(128);
        task.Property(t => t.FailureReason).HasMaxLength(1000);
        task.Property(t => t.LastError).HasMaxLength(1000);
        task.Property(t => t.TraceParent).HasMaxLength(StoredTraceContext.TraceParentMaxLength);
        task.Property(t => t.TraceState).HasMaxLength(StoredTraceContext.TraceStateMaxLength);
        task.Property(t => t.Minutes).HasPrecision(12, 3);
        task.OwnsMany(t => t.Files, files =>
        {
            files.ToJson();
            files.Property(f => f.Kind).HasConversion<string>();
        });
        task.Property(t => t.Version).IsRowVersion();
        task.Ignore(t => t.PendingEvents);
        task.Ignore(t => t.IsFinished);
        task.HasIndex(t => t.NextAttemptAt).HasFilter("next_attempt_at IS NOT NULL");
    }
}

internal sealed class RecordingsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<RecordingsDbContext>
{
    protected override RecordingsDbContext Create(DbContextOptions<RecordingsDbContext> options) => new(options);
}
