using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace HybridStreaming.Messaging.Tests;

/// <summary>Each test gets a fresh database and a host with its own queue on the given broker.</summary>
public abstract class MessagingTestBase(TestInfrastructure infrastructure) : IAsyncLifetime
{
    protected static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    protected TestInfrastructure Infrastructure { get; } = infrastructure;

    protected Guid RunId { get; } = Guid.NewGuid();

    protected string Database { get; private set; } = "";

    protected string ServiceName { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public virtual async ValueTask InitializeAsync()
    {
        Database = await Infrastructure.CreateDatabaseAsync("messaging");
        await MessagingHost.CreateSchemaAsync(Database);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected WidgetCreated NewEvent(Guid aggregateId, int sequence = 0) => new(RunId, Guid.NewGuid(), aggregateId, sequence);

    /// <summary>Writes a widget and its event in one transaction, committed or rolled back.</summary>
    protected static Task WriteAsync(MessagingHost host, WidgetCreated created, bool commit) =>
        host.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Widgets.Add(new Widget { Id = created.WidgetId, Name = $"widget {created.Sequence}" });
            db.AddIntegrationEvent(created, created.AggregateId);
            await db.SaveChangesAsync();
            if (commit)
            {
                await transaction.CommitAsync();
            }
            else
            {
                await transaction.RollbackAsync();
            }

            return 0;
        });

    protected Task<List<ReceivedWidget>> ReceivedAsync(MessagingHost host) =>
        host.WithDbAsync(db => db.Received.Where(r => r.RunId == RunId).OrderBy(r => r.Id).ToListAsync());

    protected static Task<int> OutboxCountAsync(MessagingHost host) => host.WithDbAsync(db => db.Outbox.CountAsync());
}
