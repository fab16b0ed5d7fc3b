using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Messaging.Database;

namespace HybridStreaming.Cost.Api.Infrastructure;

/// <summary>Writes ledgers whose deadline passed with facts missing (see <see cref="DueTaskProcessor{TDbContext}"/>).</summary>
internal sealed class LedgerProcessor(
    ServiceDatabase<CostsDbContext> database,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<LedgerProcessor> logger) : DueTaskProcessor<CostsDbContext>(database, scopes, clock, logger)
{
    protected override string Table => CostsDbContext.SessionsTable;

    protected override string KeyColumn => "session_id";

    protected override string NotifyChannel => CostsDbContext.SessionsTable;

    protected override Task ProcessAsync(IServiceProvider services, Guid key, CancellationToken cancellationToken) =>
        services.GetRequiredService<LedgerStore>().RecordAtDeadlineAsync(key, cancellationToken);
}
