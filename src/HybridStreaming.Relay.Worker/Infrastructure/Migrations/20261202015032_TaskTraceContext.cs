using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Relay.Worker.Infrastructure.Migrations
{
    /// <summary>
    /// Task rows keep the W3C trace context of the message that gave them their work, so the processor
    /// runs each step in that trace: without it a step's provider calls and the events it wrote started
    /// root traces of their own, and a go-live was not one trace. Rows from before have none and run as roots.
    /// </summary>
    public partial class TaskTraceContext : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "relay_tasks",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "trace_state",
                table: "relay_tasks",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "relay_tasks");

            migrationBuilder.DropColumn(
                name: "trace_state",
                table: "relay_tasks");
        }
    }
}
