using System;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Recording.Worker.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class RecordingTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "recording_tasks",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    recorder_uid = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    stop_requested = table.Column<bool>(type: "boolean", nullable: false),
                    resource_id = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    resource_acquired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sid = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recording_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stopped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    minutes = table.Column<decimal>(type: "numeric(12,3)", precision: 12, scale: 3, nullable: false),
                    tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    start_give_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    files = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recording_tasks", x => x.session_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_recording_tasks_next_attempt_at",
                table: "recording_tasks",
                column: "next_attempt_at",
                filter: "next_attempt_at IS NOT NULL");

            // Wakes the recording processor when a consumer queues or changes a task.
            migrationBuilder.CreateNotifyTrigger("recording_tasks", "recording_tasks", onUpdate: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "recording_tasks");
        }
    }
}
