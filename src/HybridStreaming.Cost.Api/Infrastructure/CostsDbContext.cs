using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HybridStreaming.Cost.Api.Infrastructure;

public sealed class CostsDbContext(DbContextOptions<CostsDbContext> options) : DbContext(options)
{
    /// <summary>One row per session: its facts, where its ledger stands and the current revision's totals.</summary>
    public const string SessionsTable = "session_costs";

    /// <summary>The append-only ledger: a trigger rejects UPDATE and DELETE.</summary>
    public const string LinesTable = "ledger_lines";

    public DbSet<SessionLedger> Sessions => Set<SessionLedger>();

    public DbSet<LedgerLine> Lines => Set<LedgerLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddOutboxAndInbox();
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CostsDbContext).Assembly);
    }
}

internal sealed class SessionLedgerConfiguration : IEntityTypeConfiguration<SessionLedger>
{
    public void Configure(EntityTypeBuilder<SessionLedger> session)
    {
        session.ToTable(CostsDbContext.SessionsTable);
        session.HasKey(s => s.SessionId);
        session.Property(s => s.SellerId).HasMaxLength(256);
        session.Property(s => s.RequestedMode).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.EndedMode).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.ActualMode).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Tier).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Audience).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        // Minutes and amounts stay unrounded: numeric without a scale keeps every digit the model computed.
        foreach (var unrounded in new[]
                 {
                     nameof(SessionLedger.RecordingMinutes), nameof(SessionLedger.RelayMinutes), nameof(SessionLedger.ViewerMinutes),
                     nameof(SessionLedger.HlsViewerMinutes), nameof(SessionLedger.AgoraViewerMinutes), nameof(SessionLedger.PricedViewerMinutes),
                     nameof(SessionLedger.ActualTotal), nameof(SessionLedger.CounterfactualTotal),
                     nameof(SessionLedger.HybridTotal), nameof(SessionLedger.AgoraOnlyTotal),
                 })
        {
            session.Property(unrounded).HasColumnType("numeric");
        }

        session.Property(s => s.PriceTableVersion).HasMaxLength(32);
        session.Property(s => s.TraceParent).HasMaxLength(StoredTraceContext.TraceParentMaxLength);
        session.Property(s => s.TraceState).HasMaxLength(StoredTraceContext.TraceStateMaxLength);
        session.Property(s => s.Version).IsRowVersion();
        session.Ignore(s => s.PendingEvents);
        session.Ignore(s => s.PendingLines);
        session.Ignore(s => s.MissingFacts);
        session.HasIndex(s => s.NextAttemptAt).HasFilter("next_attempt_at IS NOT NULL");
        // The summaries read written sessions by the day they ended, for a seller or a channel.
        session.HasIndex(s => new { s.SellerId, s.EndedOn }).HasFilter("revision > 0");
        session.HasIndex(s => new { s.ChannelId, s.EndedOn }).HasFilter("revision > 0");
        session.HasIndex(s => s.EndedOn).HasFilter("revision > 0");
    }
}

internal sealed class LedgerLineConfiguration : IEntityTypeConfiguration<LedgerLine>
{
    public void Configure(EntityTypeBuilder<LedgerLine> line)
    {
        line.ToTable(CostsDbContext.LinesTable);
        line.HasKey(l => new { l.SessionId, l.Revision, l.Basis, l.Item });
        line.Property(l => l.Basis).HasConversion<string>().HasMaxLength(16);
        line.Property(l => l.Mode).HasConversion<string>().HasMaxLength(16);
        line.Property(l => l.Provider).HasMaxLength(32);
        line.Property(l => l.Item).HasMaxLength(64);
        line.Property(l => l.Quantity).HasColumnType("numeric");
        line.Property(l => l.UnitPricePer1000).HasColumnType("numeric");
        line.Property(l => l.Amount).HasColumnType("numeric");
        line.Property(l => l.PriceTableVersion).HasMaxLength(32);
    }
}

internal sealed class CostsDbContextDesignTimeFactory : ServiceDbContextDesignTimeFactory<CostsDbContext>
{
    protected override CostsDbContext Create(DbContextOptions<CostsDbContext> options) => new(options);
}
