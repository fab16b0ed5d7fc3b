namespace HybridStreaming.AppHost.Hosting.Resources;

public enum ResourceState
{
    /// <summary>Not started yet.</summary>
    Pending,

    /// <summary>Waiting for the resources it depends on to be healthy.</summary>
    Waiting,

    /// <summary>Launched; not healthy yet.</summary>
    Starting,

    Healthy,

    /// <summary>Was healthy, now fails its health check.</summary>
    Unhealthy,

    /// <summary>Its process ended on its own.</summary>
    Exited,

    /// <summary>Could not be started (see the detail).</summary>
    Failed,

    Stopping,
    Stopped,
}

/// <summary>A snapshot of a resource for dashboards and tests.</summary>
public sealed record ResourceSnapshot(string Name, string Kind, ResourceState State, string? Url, string? Detail, DateTimeOffset? HealthySince, IReadOnlyList<int> ProcessIds);

/// <summary>Something the AppHost runs or connects to: a server, a database, a service.</summary>
public abstract class Resource(string name)
{
    private readonly TaskCompletionSource _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; } = name;

    public abstract string Kind { get; }

    public ResourceState State { get; private set; } = ResourceState.Pending;

    public string? Detail { get; private set; }

    public DateTimeOffset? HealthySince { get; private set; }

    /// <summary>Where to reach it (shown on the dashboard).</summary>
    public virtual string? Url => null;

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public List<Resource> Dependencies { get; } = [];

    /// <summary>Completes the first time the resource is healthy; fails if it cannot start.</summary>
    public Task FirstHealthy => _healthy.Task;

    internal event Action? Changed;

    internal void SetState(ResourceState state, string? detail = null)
    {
        if (State == state && Detail == detail)
        {
            return;
        }

        State = state;
        Detail = detail;
        if (state == ResourceState.Healthy)
        {
            HealthySince ??= DateTimeOffset.Now;
            _healthy.TrySetResult();
        }
        else if (state is ResourceState.Failed or ResourceState.Exited && !_healthy.Task.IsCompleted)
        {
            _healthy.TrySetException(new ResourceFailedException(Name, detail ?? state.ToString()));
            _ = _healthy.Task.Exception; // observed: a failure is reported through the dashboard and the waiters
        }

        Changed?.Invoke();
    }

    /// <summary>Launches (or prepares) the resource; returns once it is launched, not once it is healthy.</summary>
    internal abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>One health check: null when healthy, else what is wrong.</summary>
    internal abstract Task<string?> CheckHealthAsync(CancellationToken cancellationToken);

    internal abstract Task StopAsync();

    /// <summary>The process, if the resource runs one, and whether it has ended.</summary>
    internal virtual Task<int>? Exited => null;

    internal virtual IReadOnlyList<int> ProcessIds => [];

    public ResourceSnapshot Snapshot() => new(Name, Kind, State, Url, Detail, HealthySince, ProcessIds);

    public override string ToString() => $"{Name} ({Kind}, {State})";
}

/// <summary>Something that hands out a connection string, like Aspire's <c>IResourceWithConnectionString</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    string ConnectionString { get; }
}

/// <summary>Something that serves HTTP, like Aspire's <c>IResourceWithEndpoints</c>.</summary>
public interface IResourceWithHttpEndpoint
{
    string Name { get; }

    string HttpUrl { get; }
}

public sealed class ResourceFailedException(string resource, string reason)
    : Exception($"Resource '{resource}' failed: {reason}")
{
    public string Resource { get; } = resource;
}
