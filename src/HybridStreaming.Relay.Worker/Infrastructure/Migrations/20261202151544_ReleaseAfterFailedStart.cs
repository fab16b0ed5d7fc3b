using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Relay.Worker.Infrastructure.Migrations
{
    /// <summary>
    /// Self-healing hybrid: a start that gave up releases its converter and live input at once, not at the
    /// stop; a start held up by an open circuit breaker tells the session once and keeps trying.
    /// </summary>
    public partial class ReleaseAfterFailedStart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "failure_reported",
                table: "relay_tasks",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "released_after_failure",
                table: "relay_tasks",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "failure_reported",
                table: "relay_tasks");

            migrationBuilder.DropColumn(
                name: "released_after_failure",
                table: "relay_tasks");
        }
    }
}
