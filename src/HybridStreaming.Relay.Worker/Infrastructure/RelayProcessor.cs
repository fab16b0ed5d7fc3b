using HybridStreaming.Messaging.Database;
using HybridStreaming.Relay.Worker.Application;

namespace HybridStreaming.Relay.Worker.Infrastructure;

/// <summary>Drives the relay tasks (see <see cref="DueTaskProcessor{TDbContext}"/>).</summary>
internal sealed class RelayProcessor(
    ServiceDatabase<RelaysDbContext> database,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<RelayProcessor> logger) : DueTaskProcessor<RelaysDbContext>(database, scopes, clock, logger)
{
    protected override string Table => RelaysDbContext.TasksTable;

    protected override string KeyColumn => "session_id";

    protected override string NotifyChannel => RelaysDbContext.TasksTable;

    protected override Task ProcessAsync(IServiceProvider services, Guid key, CancellationToken cancellationToken) =>
        services.GetRequiredService<RelaySteps>().RunAsync(key, cancellationToken);
}
