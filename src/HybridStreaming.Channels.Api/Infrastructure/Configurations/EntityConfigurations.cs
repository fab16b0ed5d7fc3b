using HybridStreaming.Channels.Api.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HybridStreaming.Channels.Api.Infrastructure.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> channel)
    {
        channel.ToTable("channels");
        channel.HasKey(c => c.Id);
        channel.Property(c => c.SellerId).HasMaxLength(256);
        channel.Property(c => c.Title).HasMaxLength(Channel.TitleMaxLength);
        channel.Property(c => c.Description).HasMaxLength(Channel.DescriptionMaxLength);
        channel.Ignore(c => c.AgoraChannelName);
        channel.HasIndex(c => c.SellerId);
    }
}

internal sealed class StreamSessionConfiguration : IEntityTypeConfiguration<StreamSession>
{
    /// <summary>The states in which a channel has its one session.</summary>
    public const string ActiveFilter = "state IN ('Starting', 'Live', 'Stopping')";

    public void Configure(EntityTypeBuilder<StreamSession> session)
    {
        session.ToTable("stream_sessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.SellerId).HasMaxLength(256);
        session.Property(s => s.AgoraChannelName).HasMaxLength(64);
        session.Property(s => s.RequestedMode).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Mode).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Recording).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Relay).HasConversion<string>().HasMaxLength(16);
        session.Property(s => s.Reason).HasMaxLength(1000);
        session.Property(s => s.RecordingDetail).HasMaxLength(1000);
        session.Property(s => s.RelayDetail).HasMaxLength(1000);
        session.Property(s => s.StopReason).HasMaxLength(64);
        session.Property(s => s.HlsPlaybackUrl).HasMaxLength(1024);
        session.Property(s => s.RelayHlsUrl).HasMaxLength(1024);
        session.OwnsMany(s => s.ModeHistory, history =>
        {
            history.ToJson();
            history.Property(c => c.Mode).HasConversion<string>();
        });
        session.Ignore(s => s.ModeSwitches);
        session.Property(s => s.LiveInputUid).HasMaxLength(64);
        session.Property(s => s.RecordingResourceId).HasMaxLength(1024);
        session.Property(s => s.RecordingSid).HasMaxLength(128);
        session.Property(s => s.RecordingMinutes).HasPrecision(12, 3);
        session.Property(s => s.RelayMinutes).HasPrecision(12, 3);
        session.Property(s => s.HlsViewerMinutes).HasPrecision(14, 3);
        session.Property(s => s.AgoraViewerMinutes).HasPrecision(14, 3);
        session.Property(s => s.Version).IsRowVersion();
        session.Ignore(s => s.PendingEvents);
        session.Ignore(s => s.IsActive);
        session.Ignore(s => s.AwaitsViewerUsage);

        // One active session per channel, enforced by the database: two concurrent go-lives cannot both win.
        session.HasIndex(s => s.ChannelId).IsUnique().HasFilter(ActiveFilter).HasDatabaseName("ux_stream_sessions_active_channel");
        session.HasIndex(s => new { s.ChannelId, s.StartedAt });
        session.HasIndex(s => s.StartDeadline).HasFilter("start_deadline IS NOT NULL");
        session.HasIndex(s => s.StopDeadline).HasFilter("stop_deadline IS NOT NULL");
        session.HasIndex(s => s.GraceDeadline).HasFilter("grace_deadline IS NOT NULL");
        session.HasIndex(s => s.LiveInputUid).HasFilter("live_input_uid IS NOT NULL");
        session.HasOne<Channel>().WithMany().HasForeignKey(s => s.ChannelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RtcIdentityConfiguration : IEntityTypeConfiguration<RtcIdentity>
{
    public void Configure(EntityTypeBuilder<RtcIdentity> identity)
    {
        identity.ToTable("rtc_identities");
        identity.HasKey(i => i.UserId);
        identity.Property(i => i.UserId).HasMaxLength(256);
        identity.HasIndex(i => i.Uid).IsUnique();
    }
}

internal sealed class WebhookReceiptConfiguration : IEntityTypeConfiguration<WebhookReceipt>
{
    public void Configure(EntityTypeBuilder<WebhookReceipt> receipt)
    {
        receipt.ToTable("webhook_receipts");
        receipt.HasKey(r => new { r.Provider, r.NotificationId });
        receipt.Property(r => r.Provider).HasMaxLength(32);
        receipt.Property(r => r.NotificationId).HasMaxLength(256);
        receipt.HasIndex(r => r.ReceivedAt);
    }
}
