using HybridStreaming.Messaging.Inbox;
using HybridStreaming.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Messaging.Database;

public static class MessagingModelBuilderExtensions
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";

    /// <summary>Adds the outbox and inbox tables to a service's model. Call from <c>OnModelCreating</c>.</summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable(OutboxTable);
            outbox.HasKey(m => m.SequenceNumber);
            outbox.Property(m => m.SequenceNumber).UseIdentityAlwaysColumn();
            outbox.Property(m => m.MessageType).HasMaxLength(512);
            outbox.Property(m => m.Body).HasColumnType("jsonb");
            outbox.Property(m => m.TraceParent).HasMaxLength(StoredTraceContext.TraceParentMaxLength);
            outbox.Property(m => m.TraceState).HasMaxLength(StoredTraceContext.TraceStateMaxLength);
            outbox.HasIndex(m => m.MessageId).IsUnique();
            outbox.HasIndex(m => new { m.AggregateId, m.SequenceNumber });
        });

        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(InboxTable);
            inbox.HasKey(m => new { m.MessageId, m.Consumer });
            inbox.Property(m => m.Consumer).HasMaxLength(256);
            inbox.Property(m => m.MessageType).HasMaxLength(256);
            inbox.HasIndex(m => m.ProcessedAt);
        });

        return modelBuilder;
    }
}
