using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using HybridStreaming.Processes;

namespace HybridStreaming.Testing;

/// <summary>
/// The AppHost as a user runs it: its own process (from the build output), in its own process group
/// like a terminal's foreground job, with the Aspire dashboard, on free ports, with a given state folder.
/// Lets tests and benchmarks wait for the AppHost's "All N resources are healthy after X s." line and
/// press "Ctrl+C" (SIGINT to the group).
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<TimeSpan> _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, int dashboardPort, int gatewayPort, string stateDirectory)
    {
        _process = process;
        DashboardUrl = new Uri($"http://127.0.0.1:{dashboardPort}/");
        GatewayUrl = new Uri($"http://127.0.0.1:{gatewayPort}/");
        StateDirectory = stateDirectory;
    }

    public int Pid => _process.Id;

    public Uri DashboardUrl { get; }

    public Uri GatewayUrl { get; }

    public string StateDirectory { get; }

    /// <summary>The dashboard's login URL with its browser token, once the AppHost has printed it.</summary>
    public Uri? DashboardLoginUrl { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="stateDirectory">The AppHost's state folder (data is kept there between runs).</param>
    /// <param name="extraArguments">More configuration, e.g. <c>--AppHost:Only=channelsdb</c>.</param>
    /// <param name="environment">More environment, e.g. <c>ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true</c>.</param>
    public static AppHostProcess Start(string stateDirectory, IEnumerable<string>? extraArguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var assembly = Directory.EnumerateFiles(Path.Combine(Repository.Root, "artifacts", "bin", "HybridStreaming.AppHost"), "HybridStreaming.AppHost.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault(path => path.Contains(Path.DirectorySeparatorChar + (AppContext.BaseDirectory.Contains("/release/", StringComparison.Ordinal) ? "release" : "debug") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            ?? throw new FileNotFoundException("The AppHost is not built (artifacts/bin/HybridStreaming.AppHost).");

        var dashboardPort = Loopback.FreePort();
        var gatewayPort = Loopback.FreePort();
        // Through env --default-signal: a test run started in the background by a non-interactive shell
        // (`./test.sh &`, nohup, CI wrappers) inherits SIGINT and SIGQUIT as ignored, every child with it,
        // and a process that ignores SIGINT never sees the Ctrl+C the tests send (it waited 180 s, twice).
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{dashboardPort}";
        info.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{Loopback.FreePort()}";
        info.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        string[] arguments =
        [
            "--default-signal=INT,QUIT,TERM", "setsid",
            "dotnet", assembly,
            $"--AppHost:StateDirectory={stateDirectory}",
            .. TestTopology.FreePortSettings.Select(setting => $"--AppHost:{setting}=0"),
            // Later arguments win: the gateway on the port this process knows, and the caller's settings.
            $"--AppHost:GatewayPort={gatewayPort}",
            .. extraArguments ?? [],
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var host = new AppHostProcess(process, dashboardPort, gatewayPort, stateDirectory);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (HealthyLine().Match(line) is { Success: true } healthy)
        {
            _healthy.TrySetResult(TimeSpan.FromSeconds(double.Parse(healthy.Groups["seconds"].Value, CultureInfo.InvariantCulture)));
        }
        else if (LoginLine().Match(line) is { Success: true } login)
        {
            DashboardLoginUrl = new Uri(login.Groups["url"].Value);
        }
    }

    /// <summary>Waits for the AppHost's report that every resource is healthy; returns the time it printed (from its process start).</summary>
    public async Task<TimeSpan> WaitUntilAllHealthyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var finished = await Task.WhenAny(_healthy.Task, exited, Task.Delay(timeout));
        if (finished == _healthy.Task)
        {
            return await _healthy.Task;
        }

        throw finished == exited
            ? new InvalidOperationException($"The AppHost exited with code {_process.ExitCode}:{Environment.NewLine}{Output}")
            : new TimeoutException($"Not all resources were healthy after {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
    }

    /// <summary>
    /// Every process the AppHost has running now: its own children (the dashboard) and the orchestrator
    /// (DCP starts itself detached, so it is found by the AppHost it monitors) with everything below it:
    /// services, servers and what they started.
    /// </summary>
    public IReadOnlyList<ProcessInfo> Descendants()
    {
        var snapshot = ProcessTree.Snapshot();
        var own = ProcessTree.Descendants(Pid, snapshot);
        var orchestrators = snapshot
            .Where(p => p.Command == "dcp" && ProcessTree.CommandLine(p.Pid).Contains($"--monitor {Pid.ToString(CultureInfo.InvariantCulture)} ", StringComparison.Ordinal))
            .ToList();
        return [.. own.Concat(orchestrators).Concat(orchestrators.SelectMany(o => ProcessTree.Descendants(o.Pid, snapshot))).DistinctBy(p => p.Pid)];
    }

    /// <summary>Ctrl+C: SIGINT to the AppHost's process group, as a terminal sends it. Returns the exit code.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        Native.Signal(-Pid, Native.SIGINT);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The AppHost did not exit within {timeout.TotalSeconds:0} s of SIGINT:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Native.Signal(-Pid, Native.SIGINT);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                Native.Signal(-Pid, Native.SIGKILL);
            }
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"AppHost pid {Pid}, dashboard {DashboardUrl}");

    [GeneratedRegex(@"^All (?<count>\d+) resources are healthy after (?<seconds>[0-9.]+) s\.")]
    private static partial Regex HealthyLine();

    [GeneratedRegex(@"Login to the dashboard at (?<url>http\S+)")]
    private static partial Regex LoginLine();
}
