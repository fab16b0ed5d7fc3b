using System.Diagnostics;
using System.Text;
using System.Text.Json;
using HybridStreaming.Processes;
using HybridStreaming.AppHost.Hosting.Resources;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Runs a topology: starts each resource once what it waits for is healthy, watches health, and stops
/// everything in reverse order — dependents first, servers last — leaving no process behind.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private const string ProcessListFile = "processes.json";
    private const string LockFile = "apphost.lock";

    private readonly DistributedApplicationBuilder _builder;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _supervisors = [];
    private readonly Lock _processListLock = new();
    private FileStream? _lock;
    private bool _started;
    private bool _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder, IReadOnlyList<Resource> resources)
    {
        _builder = builder;
        Resources = resources;
        foreach (var resource in resources)
        {
            resource.Changed += OnResourceChanged;
        }
    }

    public IReadOnlyList<Resource> Resources { get; }

    public ResourceLogs Logs => _builder.Logs;

    public string StateDirectory => _builder.StateDirectory;

    /// <summary>Raised whenever any resource changes state.</summary>
    public event Action? ResourcesChanged;

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => DistributedApplicationBuilder.Create(args);

    public Resource this[string name] =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"No resource named '{name}' in this topology.");

    public string GetConnectionString(string name) =>
        this[name] is IResourceWithConnectionString resource
            ? resource.ConnectionString
            : throw new InvalidOperationException($"'{name}' has no connection string.");

    public Uri GetEndpoint(string name) =>
        this[name] is IResourceWithHttpEndpoint resource
            ? new Uri(resource.HttpUrl)
            : throw new InvalidOperationException($"'{name}' has no HTTP endpoint.");

    public IReadOnlyList<ResourceSnapshot> Snapshot() => [.. Resources.Select(r => r.Snapshot())];

    /// <summary>Launches every resource in dependency order; returns at once (see <see cref="WaitForHealthyAsync"/>).</summary>
    public Task StartAsync()
    {
        if (_started)
        {
            throw new InvalidOperationException("Already started.");
        }

        _started = true;
        Directory.CreateDirectory(StateDirectory);
        AcquireStateLock();
        StopLeftoversOfPreviousRun();
        foreach (var resource in Resources)
        {
            _supervisors.Add(Task.Run(() => SuperviseAsync(resource, _stopping.Token)));
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until every resource has been healthy; fails with a report if one fails or time runs out.</summary>
    public async Task WaitForHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var all = Task.WhenAll(Resources.Select(r => r.FirstHealthy));
        try
        {
            await all.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or ResourceFailedException)
        {
            throw new InvalidOperationException(
                $"The topology did not become healthy ({exception.Message}).{Environment.NewLine}{Report()}", exception);
        }
    }

    /// <summary>A readable account of every resource: state, detail and the tail of the log of those not healthy.</summary>
    public string Report()
    {
        var report = new StringBuilder();
        foreach (var resource in Resources)
        {
            report.AppendLine($"  {resource.Name,-20} {resource.State,-10} {resource.Url} {resource.Detail}");
        }

        foreach (var resource in Resources.Where(r => r.State != ResourceState.Healthy))
        {
            report.AppendLine($"--- last output of {resource.Name} ---");
            foreach (var line in Logs.Tail(resource.Name).TakeLast(25))
            {
                report.AppendLine(line);
            }
        }

        return report.ToString();
    }

    /// <summary>Stops every resource, dependents before what they depend on.</summary>
    public async Task StopAsync()
    {
        if (!_started || _stopped)
        {
            return;
        }

        _stopped = true;
        await _stopping.CancelAsync();
        await Task.WhenAll(_supervisors).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);

        var stopped = new Dictionary<Resource, Task>();
        Task StopInOrder(Resource resource)
        {
            if (stopped.TryGetValue(resource, out var existing))
            {
                return existing;
            }

            var dependents = Resources.Where(r => r.Dependencies.Contains(resource)).Select(StopInOrder).ToList();
            var task = StopAfterAsync(resource, dependents);
            stopped[resource] = task;
            return task;
        }

        await Task.WhenAll(Resources.Select(StopInOrder));
        if (_lock is not null)
        {
            // Only the AppHost that owns the state folder clears its process list.
            File.Delete(Path.Combine(StateDirectory, ProcessListFile));
        }
        _lock?.Dispose();
        _lock = null;
    }

    private static async Task StopAfterAsync(Resource resource, List<Task> dependents)
    {
        await Task.WhenAll(dependents);
        if (resource.State is ResourceState.Pending or ResourceState.Waiting)
        {
            resource.SetState(ResourceState.Stopped, "never started");
            return;
        }

        resource.SetState(ResourceState.Stopping);
        try
        {
            await resource.StopAsync();
            resource.SetState(ResourceState.Stopped);
        }
        catch (Exception exception)
        {
            resource.SetState(ResourceState.Stopped, $"stop failed: {exception.Message}");
        }
    }

    private async Task SuperviseAsync(Resource resource, CancellationToken stopping)
    {
        if (resource.Dependencies.Count > 0)
        {
            resource.SetState(ResourceState.Waiting, "waiting for " + string.Join(", ", resource.Dependencies.Select(d => d.Name)));
            try
            {
                await Task.WhenAll(resource.Dependencies.Select(d => d.FirstHealthy)).WaitAsync(stopping);
            }
            catch (ResourceFailedException failed)
            {
                resource.SetState(ResourceState.Failed, $"{failed.Resource} failed");
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        resource.SetState(ResourceState.Starting);
        try
        {
            await resource.StartAsync(stopping);
            RecordProcesses();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception)
        {
            Logs.Write(resource.Name, $"failed to start: {exception.Message}", isError: true);
            resource.SetState(ResourceState.Failed, exception.Message);
            return;
        }

        await MonitorAsync(resource, stopping);
    }

    private async Task MonitorAsync(Resource resource, CancellationToken stopping)
    {
        var everHealthy = false;
        while (!stopping.IsCancellationRequested)
        {
            if (resource.Exited is { IsCompleted: true } exited)
            {
                if (!stopping.IsCancellationRequested)
                {
                    resource.SetState(ResourceState.Exited, $"exited with code {exited.Result}");
                }

                return;
            }

            string? problem;
            try
            {
                problem = await resource.CheckHealthAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                problem = exception.Message;
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            if (problem is null)
            {
                everHealthy = true;
                resource.SetState(ResourceState.Healthy);
            }
            else
            {
                resource.SetState(everHealthy ? ResourceState.Unhealthy : ResourceState.Starting, problem);
            }

            var pause = everHealthy ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);
            var wake = resource.Exited is { } ended ? Task.WhenAny(ended, Task.Delay(pause, stopping)) : Task.Delay(pause, stopping);
            try
            {
                await wake;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void OnResourceChanged() => ResourcesChanged?.Invoke();

    /// <summary>One AppHost per state folder: a second one would fight over ports and data.</summary>
    private void AcquireStateLock()
    {
        var path = Path.Combine(StateDirectory, LockFile);
        try
        {
            _lock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            _lock.SetLength(0);
            _lock.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            _lock.Flush();
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"Another AppHost is already running with the state folder {StateDirectory}. Stop it first (Ctrl+C in its terminal).");
        }
    }

    /// <summary>
    /// If a previous AppHost died without stopping its processes (kill -9, a crash), they still hold the
    /// ports and data: stop them, identified by pid and start time so a reused pid is never touched.
    /// </summary>
    private void StopLeftoversOfPreviousRun()
    {
        var path = Path.Combine(StateDirectory, ProcessListFile);
        if (!File.Exists(path))
        {
            return;
        }

        try
        {
            var entries = JsonSerializer.Deserialize<List<ProcessEntry>>(File.ReadAllText(path)) ?? [];
            foreach (var entry in entries.Where(e => ProcessTree.IsRunning(e.Pid, e.StartTime)))
            {
                Logs.Info($"stopping {entry.Resource} (pid {entry.Pid}) left running by a previous AppHost");
                Native.Signal(-entry.Pid, Native.SIGKILL);
                Native.Signal(entry.Pid, Native.SIGKILL);
            }

            var deadline = Stopwatch.GetTimestamp();
            while (entries.Any(e => ProcessTree.IsRunning(e.Pid, e.StartTime)) && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(100);
            }
        }
        catch (JsonException)
        {
            // An unreadable list is stale by definition.
        }

        File.Delete(path);
    }

    private void RecordProcesses()
    {
        var entries = Resources
            .SelectMany(r => r.ProcessIds.Select(pid => new ProcessEntry(r.Name, pid, ProcessTree.TryRead(pid)?.StartTime ?? 0)))
            .ToList();
        lock (_processListLock)
        {
            File.WriteAllText(Path.Combine(StateDirectory, ProcessListFile), JsonSerializer.Serialize(entries));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _builder.Logs.Dispose();
        _stopping.Dispose();
        if (_builder.Options.EphemeralState)
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary folder.
            }
        }
    }

    private sealed record ProcessEntry(string Resource, int Pid, ulong StartTime);
}
