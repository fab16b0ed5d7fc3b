using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace HybridStreaming.Messaging.Database;

public static class MessagingMigrationBuilderExtensions
{
    /// <summary>The LISTEN/NOTIFY channel the outbox relay waits on.</summary>
    public const string NotifyChannel = "outbox_messages";

    /// <summary>
    /// Creates the outbox and inbox tables exactly as <see cref="MessagingModelBuilderExtensions.AddOutboxAndInbox"/>
    /// models them, plus the commit-notification trigger. Every service's first migration calls it, so
    /// the schema is defined once.
    /// </summary>
    public static void CreateOutboxAndInboxTables(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: MessagingModelBuilderExtensions.InboxTable,
            columns: table => new
            {
                message_id = table.Column<Guid>(type: "uuid", nullable: false),
                consumer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                message_type = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_inbox_messages", x => new { x.message_id, x.consumer }));

        migrationBuilder.CreateTable(
            name: MessagingModelBuilderExtensions.OutboxTable,
            columns: table => new
            {
                sequence_number = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                message_id = table.Column<Guid>(type: "uuid", nullable: false),
                aggregate_id = table.Column<Guid>(type: "uuid", nullable: false),
                message_type = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                body = table.Column<string>(type: "jsonb", nullable: false),
                trace_parent = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                trace_state = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                attempts = table.Column<int>(type: "integer", nullable: false),
                last_error = table.Column<string>(type: "text", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_outbox_messages", x => x.sequence_number));

        migrationBuilder.CreateIndex(
            name: "ix_inbox_messages_processed_at",
            table: MessagingModelBuilderExtensions.InboxTable,
            column: "processed_at");
        migrationBuilder.CreateIndex(
            name: "ix_outbox_messages_aggregate_id_sequence_number",
            table: MessagingModelBuilderExtensions.OutboxTable,
            columns: ["aggregate_id", "sequence_number"]);
        migrationBuilder.CreateIndex(
            name: "ix_outbox_messages_message_id",
            table: MessagingModelBuilderExtensions.OutboxTable,
            column: "message_id",
            unique: true);

        migrationBuilder.CreateOutboxNotifyTrigger();
    }

    public static void DropOutboxAndInboxTables(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropOutboxNotifyTrigger();
        migrationBuilder.DropTable(name: MessagingModelBuilderExtensions.InboxTable);
        migrationBuilder.DropTable(name: MessagingModelBuilderExtensions.OutboxTable);
    }

    /// <summary>The trigger that wakes the outbox relay when a transaction that wrote events commits.</summary>
    public static IReadOnlyList<string> NotifyTriggerStatements { get; } =
        NotifyTrigger(MessagingModelBuilderExtensions.OutboxTable, NotifyChannel);

    /// <summary>
    /// Statements creating a trigger that calls <c>pg_notify(channel)</c> after inserts into
    /// <paramref name="table"/> and, with <paramref name="updateOf"/>, after updates that set one of those
    /// columns. Postgres delivers it only when the transaction commits, once per transaction and channel:
    /// the cheapest exact "new work is visible" signal (<see cref="CommitSignal"/>).
    /// <para>
    /// A task table names its due-time column here (<c>next_attempt_at</c>), never "any update": a
    /// statement trigger fires even when the statement changes no row, so the processor's own claim
    /// (<c>UPDATE … SET lease_until</c>) would wake it again at once, and an idle worker would spin.
    /// </para>
    /// </summary>
    /// <param name="onUpdate">Any update, with no column list. Kept only for the first task-table migrations, which a later migration replaces.</param>
    public static IReadOnlyList<string> NotifyTrigger(string table, string channel, bool onUpdate = false, IReadOnlyList<string>? updateOf = null)
    {
        var events = updateOf is { Count: > 0 } columns
            ? $"INSERT OR UPDATE OF {string.Join(", ", columns)}"
            : onUpdate ? "INSERT OR UPDATE" : "INSERT";
        return
        [
            $"""
            CREATE OR REPLACE FUNCTION {channel}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('{channel}', '');
              RETURN NULL;
            END $$;
            """,
            $"DROP TRIGGER IF EXISTS {channel}_notify ON {table};",
            $"""
            CREATE TRIGGER {channel}_notify AFTER {events} ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {channel}_notify();
            """,
        ];
    }

    /// <summary>Creates <see cref="NotifyTriggerStatements"/>; part of <see cref="CreateOutboxAndInboxTables"/>.</summary>
    public static void CreateOutboxNotifyTrigger(this MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateNotifyTrigger(MessagingModelBuilderExtensions.OutboxTable, NotifyChannel);

    /// <summary>Creates (or replaces) the commit-notification trigger of <paramref name="table"/>; see <see cref="NotifyTrigger"/>.</summary>
    public static void CreateNotifyTrigger(this MigrationBuilder migrationBuilder, string table, string channel, bool onUpdate = false, IReadOnlyList<string>? updateOf = null)
    {
        foreach (var statement in NotifyTrigger(table, channel, onUpdate, updateOf))
        {
            migrationBuilder.Sql(statement);
        }
    }

    public static void DropOutboxNotifyTrigger(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {NotifyChannel}_notify ON {MessagingModelBuilderExtensions.OutboxTable};");
        migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {NotifyChannel}_notify();");
    }
}
