using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Channels.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ViewerPresence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "agora_viewer_minutes",
                table: "stream_sessions",
                type: "numeric(14,3)",
                precision: 14,
                scale: 3,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "hls_viewer_minutes",
                table: "stream_sessions",
                type: "numeric(14,3)",
                precision: 14,
                scale: 3,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "peak_viewers",
                table: "stream_sessions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "presence_incomplete",
                table: "stream_sessions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "unique_viewers",
                table: "stream_sessions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "viewer_usage_complete",
                table: "stream_sessions",
                type: "boolean",
                nullable: true);

            // Sessions that ended before presence existed were never counted: zeros, marked incomplete,
            // so none of them reports usage later.
            migrationBuilder.Sql("""
                UPDATE stream_sessions
                SET peak_viewers = 0, unique_viewers = 0, hls_viewer_minutes = 0, agora_viewer_minutes = 0, viewer_usage_complete = false
                WHERE state IN ('Ended', 'Failed');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "agora_viewer_minutes",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "hls_viewer_minutes",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "peak_viewers",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "presence_incomplete",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "unique_viewers",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "viewer_usage_complete",
                table: "stream_sessions");
        }
    }
}
