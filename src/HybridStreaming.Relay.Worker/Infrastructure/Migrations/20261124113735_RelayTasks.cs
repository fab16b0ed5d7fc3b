using System;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Relay.Worker.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class RelayTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "relay_tasks",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    seller_uid = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    stop_requested = table.Column<bool>(type: "boolean", nullable: false),
                    live_input_uid = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    converter_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    hls_playback_url = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    live_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stopped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    minutes = table.Column<decimal>(type: "numeric(12,3)", precision: 12, scale: 3, nullable: false),
                    input_deleted = table.Column<bool>(type: "boolean", nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    start_give_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relay_tasks", x => x.session_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_relay_tasks_next_attempt_at",
                table: "relay_tasks",
                column: "next_attempt_at",
                filter: "next_attempt_at IS NOT NULL");

            // Wakes the relay processor when a consumer queues or changes a task.
            migrationBuilder.CreateNotifyTrigger("relay_tasks", "relay_tasks", onUpdate: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "relay_tasks");
        }
    }
}
