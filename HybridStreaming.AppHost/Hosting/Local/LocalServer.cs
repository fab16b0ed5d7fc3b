using System.Diagnostics;
using HybridStreaming.Processes;

namespace HybridStreaming.AppHost.Hosting.Local;

/// <summary>
/// A server run as a local process on loopback from the operating system's own packages (Postgres,
/// Redis, RabbitMQ): the AppHost's infrastructure, and the test suite's when no connection strings are
/// given. Data lives in <see cref="DataDirectory"/>; starting again on the same folder reuses it.
/// </summary>
public abstract class LocalServer(string name, string dataDirectory, IProcessOutput logs) : IAsyncDisposable
{
    private readonly List<ManagedProcess> _processes = [];

    public string Name { get; } = name;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    protected IProcessOutput Logs { get; } = logs;

    /// <summary>The connection string clients use, in the format .NET Aspire hands out for this kind of resource.</summary>
    public abstract string ConnectionString { get; }

    /// <summary>Every process this server runs (RabbitMQ: its epmd and the VM).</summary>
    public IReadOnlyList<ManagedProcess> Processes => _processes;

    /// <summary>The main server process while it runs.</summary>
    public ManagedProcess? MainProcess => _processes.LastOrDefault();

    public bool IsRunning => MainProcess is { HasExited: false };

    /// <summary>Prepares the data folder if it is new and launches the server (it may not accept connections yet).</summary>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>One readiness probe: null when the server accepts real client connections, else why not.</summary>
    public abstract Task<string?> ProbeAsync(CancellationToken cancellationToken);

    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (MainProcess is { HasExited: true } exited)
            {
                throw new InvalidOperationException(
                    $"{Name} exited with code {exited.Exited.Result} while starting. Last output:{Environment.NewLine}{LastOutput()}");
            }

            if (await ProbeAsync(cancellationToken) is null)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"{Name} did not become ready within {timeout.TotalSeconds:0} s. Last output:{Environment.NewLine}{LastOutput()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Stops the server cleanly (each kind with the signal that makes it shut down properly), then anything left.</summary>
    public virtual async Task StopAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].StopAsync(StopSignal(i), StopGrace);
        }

        _processes.Clear();
    }

    protected virtual TimeSpan StopGrace => TimeSpan.FromSeconds(20);

    protected virtual int StopSignal(int processIndex) => Native.SIGTERM;

    protected ManagedProcess Launch(ProcessLaunch launch)
    {
        var process = ManagedProcess.Start(Name, launch, Logs);
        _processes.Add(process);
        return process;
    }

    protected string LastOutput() =>
        Logs is ResourceLogs aggregated ? string.Join(Environment.NewLine, aggregated.Tail(Name).TakeLast(30)) : "(see the resource log)";

    /// <summary>Runs a short preparation command to completion (initdb, chown) and fails with its output.</summary>
    protected async Task RunToCompletionAsync(ProcessLaunch launch, CancellationToken cancellationToken)
    {
        await using var process = ManagedProcess.Start(Name, launch, Logs);
        var code = await process.Exited.WaitAsync(cancellationToken);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{launch.FileName}' failed for {Name} with exit code {code}:{Environment.NewLine}{LastOutput()}");
        }
    }

    /// <summary>As root, hands <paramref name="directory"/> to the service user the server runs as.</summary>
    protected Task GiveToUserAsync(string directory, string user, CancellationToken cancellationToken) =>
        Native.IsRoot
            ? RunToCompletionAsync(new ProcessLaunch("chown", ["-R", $"{user}:{user}", directory]), cancellationToken)
            : Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        GC.SuppressFinalize(this);
    }
}
