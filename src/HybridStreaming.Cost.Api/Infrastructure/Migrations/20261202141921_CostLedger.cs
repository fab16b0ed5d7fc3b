using System;
using HybridStreaming.Messaging.Database;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HybridStreaming.Cost.Api.Infrastructure.Migrations
{
    /// <summary>
    /// The cost ledger: one row per session (its facts and current totals, and the deadline the ledger
    /// processor waits on) and the append-only lines, which a trigger keeps from being changed or deleted.
    /// </summary>
    public partial class CostLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_lines",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    basis = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    item = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    provider = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    quantity = table.Column<decimal>(type: "numeric", nullable: false),
                    unit_price_per1000 = table.Column<decimal>(type: "numeric", nullable: false),
                    amount = table.Column<decimal>(type: "numeric", nullable: false),
                    confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    price_table_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_lines", x => new { x.session_id, x.revision, x.basis, x.item });
                });

            migrationBuilder.CreateTable(
                name: "session_costs",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seller_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    requested_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    start_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_on = table.Column<DateOnly>(type: "date", nullable: true),
                    live_seconds = table.Column<long>(type: "bigint", nullable: true),
                    recording_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    relay_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    viewer_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    hls_viewer_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    agora_viewer_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    peak_viewers = table.Column<int>(type: "integer", nullable: true),
                    unique_viewers = table.Column<int>(type: "integer", nullable: true),
                    viewer_usage_complete = table.Column<bool>(type: "boolean", nullable: true),
                    audience = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    unconfirmed = table.Column<string[]>(type: "text[]", nullable: false),
                    actual_mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    actual_total = table.Column<decimal>(type: "numeric", nullable: true),
                    counterfactual_total = table.Column<decimal>(type: "numeric", nullable: true),
                    hybrid_total = table.Column<decimal>(type: "numeric", nullable: true),
                    agora_only_total = table.Column<decimal>(type: "numeric", nullable: true),
                    priced_viewer_minutes = table.Column<decimal>(type: "numeric", nullable: true),
                    price_table_version = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    stale = table.Column<bool>(type: "boolean", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    trace_parent = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    trace_state = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_costs", x => x.session_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_session_costs_channel_id_ended_on",
                table: "session_costs",
                columns: new[] { "channel_id", "ended_on" },
                filter: "revision > 0");

            migrationBuilder.CreateIndex(
                name: "ix_session_costs_ended_on",
                table: "session_costs",
                column: "ended_on",
                filter: "revision > 0");

            migrationBuilder.CreateIndex(
                name: "ix_session_costs_next_attempt_at",
                table: "session_costs",
                column: "next_attempt_at",
                filter: "next_attempt_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_session_costs_seller_id_ended_on",
                table: "session_costs",
                columns: new[] { "seller_id", "ended_on" },
                filter: "revision > 0");

            // Wakes the ledger processor when a fact sets or moves a session's deadline.
            migrationBuilder.CreateNotifyTrigger("session_costs", "session_costs", updateOf: ["next_attempt_at"]);

            // Written lines are the record of what was charged with which prices: corrections are new revisions.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION ledger_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'ledger_lines is append-only: % is not allowed (write a new revision instead)', TG_OP;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON ledger_lines
                FOR EACH ROW EXECUTE FUNCTION ledger_lines_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS session_costs_notify() CASCADE;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS ledger_lines_append_only() CASCADE;");
            migrationBuilder.DropTable(
                name: "ledger_lines");

            migrationBuilder.DropTable(
                name: "session_costs");
        }
    }
}
