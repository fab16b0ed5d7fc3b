using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Recording.Worker.Infrastructure.Migrations
{
    /// <summary>
    /// The task table's commit notification fires only when a statement sets the due time, not on the
    /// processor's own lease-only claims: those woke the processor again at once, so an idle worker spun
    /// on claims that found nothing (a core's worth of CPU per worker).
    /// </summary>
    public partial class WakeOnlyWhenDueTimeChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateNotifyTrigger("recording_tasks", "recording_tasks", updateOf: ["next_attempt_at"]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateNotifyTrigger("recording_tasks", "recording_tasks", onUpdate: true);
        }
    }
}
