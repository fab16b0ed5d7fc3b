using HybridStreaming.Messaging.Database;
using HybridStreaming.Recording.Worker.Application;

namespace HybridStreaming.Recording.Worker.Infrastructure;

/// <summary>Drives the recording tasks (see <see cref="DueTaskProcessor{TDbContext}"/>).</summary>
internal sealed class RecordingProcessor(
    ServiceDatabase<RecordingsDbContext> database,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<RecordingProcessor> logger) : DueTaskProcessor<RecordingsDbContext>(database, scopes, clock, logger)
{
    protected override string Table => RecordingsDbContext.TasksTable;

    protected override string KeyColumn => "session_id";

    protected override string NotifyChannel => RecordingsDbContext.TasksTable;

    protected override Task ProcessAsync(IServiceProvider services, Guid key, CancellationToken cancellationToken) =>
        services.GetRequiredService<RecordingSteps>().RunAsync(key, cancellationToken);
}
