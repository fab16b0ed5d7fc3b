using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Channels.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ChannelsAndSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "channels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    title = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_channels", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rtc_identities",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    uid = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rtc_identities", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_receipts",
                columns: table => new
                {
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    notification_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_receipts", x => new { x.provider, x.notification_id });
                });

            migrationBuilder.CreateTable(
                name: "stream_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    seller_uid = table.Column<long>(type: "bigint", nullable: false),
                    agora_channel_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    requested_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    recording = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    relay = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    recording_detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    relay_detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    stop_reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    hls_playback_url = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    live_input_uid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    recording_resource_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    recording_sid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    recording_minutes = table.Column<decimal>(type: "numeric(12,3)", precision: 12, scale: 3, nullable: true),
                    recording_file_count = table.Column<int>(type: "integer", nullable: false),
                    relay_minutes = table.Column<decimal>(type: "numeric(12,3)", precision: 12, scale: 3, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    live_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stop_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    start_deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stop_deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    grace_deadline = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    seller_presence_sequence = table.Column<long>(type: "bigint", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stream_sessions", x => x.id);
                    table.ForeignKey(
                        name: "fk_stream_sessions_channels_channel_id",
                        column: x => x.channel_id,
                        principalTable: "channels",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_channels_seller_id",
                table: "channels",
                column: "seller_id");

            migrationBuilder.CreateIndex(
                name: "ix_rtc_identities_uid",
                table: "rtc_identities",
                column: "uid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stream_sessions_channel_id_started_at",
                table: "stream_sessions",
                columns: new[] { "channel_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_stream_sessions_grace_deadline",
                table: "stream_sessions",
                column: "grace_deadline",
                filter: "grace_deadline IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_stream_sessions_live_input_uid",
                table: "stream_sessions",
                column: "live_input_uid",
                filter: "live_input_uid IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_stream_sessions_start_deadline",
                table: "stream_sessions",
                column: "start_deadline",
                filter: "start_deadline IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_stream_sessions_stop_deadline",
                table: "stream_sessions",
                column: "stop_deadline",
                filter: "stop_deadline IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_stream_sessions_active_channel",
                table: "stream_sessions",
                column: "channel_id",
                unique: true,
                filter: "state IN ('Starting', 'Live', 'Stopping')");

            migrationBuilder.CreateIndex(
                name: "ix_webhook_receipts_received_at",
                table: "webhook_receipts",
                column: "received_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rtc_identities");

            migrationBuilder.DropTable(
                name: "stream_sessions");

            migrationBuilder.DropTable(
                name: "webhook_receipts");

            migrationBuilder.DropTable(
                name: "channels");
        }
    }
}
