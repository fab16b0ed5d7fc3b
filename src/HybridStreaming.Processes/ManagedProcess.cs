using System.Diagnostics;

namespace HybridStreaming.Processes;

/// <summary>What to run, as whom and with what environment.</summary>
public sealed record ProcessLaunch(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables added to (or, with a null value, removed from) the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>When running as root: drop to this user (Postgres refuses root; RabbitMQ's files belong to rabbitmq).</summary>
    public string? RunAsUser { get; init; }

    /// <summary>
    /// Words that may not appear in logs (passwords passed in arguments): the command echo masks them.
    /// </summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>
/// A supervised child process. It runs in a session of its own (via <c>setsid</c>), so a Ctrl+C in the
/// terminal reaches only the AppHost, which then stops everything in order; its output goes to the
/// resource logs; stopping it signals it, waits, then kills whatever of its tree is left.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, string resource)
    {
        _process = process;
        Resource = resource;
    }

    public string Resource { get; }

    public int Pid { get; private set; }

    public ulong StartTime { get; private set; }

    /// <summary>Completes with the exit code when the process ends.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ManagedProcess Start(string resource, ProcessLaunch launch, IProcessOutput logs)
    {
        var info = new ProcessStartInfo
        {
            // setsid and setpriv exec the command, so the pid we get is the command's own pid.
            FileName = "setsid",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory ?? System.Environment.CurrentDirectory,
        };
        if (launch.RunAsUser is { } user && Native.IsRoot)
        {
            info.ArgumentList.Add("setpriv");
            info.ArgumentList.Add($"--reuid={user}");
            info.ArgumentList.Add($"--regid={user}");
            info.ArgumentList.Add("--init-groups");
            info.ArgumentList.Add("--");
        }

        info.ArgumentList.Add(launch.FileName);
        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, resource);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                logs.Write(resource, e.Data, isError: false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                logs.Write(resource, e.Data, isError: true);
            }
        };
        process.Exited += (_, _) => managed.OnExited();

        logs.Write(resource, "$ " + Mask(string.Join(' ', [launch.FileName, .. launch.Arguments]), launch.Secrets), isError: false);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        managed.Pid = process.Id;
        managed.StartTime = ProcessTree.TryRead(process.Id)?.StartTime ?? 0;
        return managed;
    }

    private void OnExited()
    {
        int code;
        try
        {
            // Let the output readers drain before reporting the exit.
            _process.WaitForExit();
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        _exited.TrySetResult(code);
    }

    /// <summary>
    /// Sends <paramref name="signal"/>, waits up to <paramref name="grace"/> for a clean exit, then kills
    /// the process and every descendant still alive (including ones in its process group).
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        var tree = HasExited ? [] : ProcessTree.Descendants(Pid);
        if (!HasExited)
        {
            Native.Signal(Pid, signal);
            await Task.WhenAny(Exited, Task.Delay(grace));
        }

        if (!HasExited)
        {
            Native.Signal(-Pid, Native.SIGKILL);
            Native.Signal(Pid, Native.SIGKILL);
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        // Whatever the process started and left behind: its group (it led one) and its former children.
        Native.Signal(-Pid, Native.SIGKILL);
        foreach (var leftover in tree)
        {
            if (ProcessTree.IsRunning(leftover.Pid, leftover.StartTime))
            {
                Native.Signal(leftover.Pid, Native.SIGKILL);
            }
        }
    }

    private static string Mask(string text, IReadOnlyList<string> secrets) =>
        secrets.Where(s => s.Length > 0).Aggregate(text, (current, secret) => current.Replace(secret, "****", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            await StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
