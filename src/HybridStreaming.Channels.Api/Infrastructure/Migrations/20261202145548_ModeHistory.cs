using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Channels.Api.Infrastructure.Migrations
{
    /// <summary>
    /// Self-healing hybrid: each session keeps its mode history (the mode at go-live and every switch
    /// between HLS and Agora, with the reason) and the relay's HLS URL, so buyers can move back to the
    /// CDN when a relay comes up after the fallback. Existing sessions keep a null history.
    /// </summary>
    public partial class ModeHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "mode_history",
                table: "stream_sessions",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "relay_hls_url",
                table: "stream_sessions",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            // A hybrid session that is live already has its relay's URL.
            migrationBuilder.Sql("UPDATE stream_sessions SET relay_hls_url = hls_playback_url WHERE hls_playback_url IS NOT NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "mode_history",
                table: "stream_sessions");

            migrationBuilder.DropColumn(
                name: "relay_hls_url",
                table: "stream_sessions");
        }
    }
}
