using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Hosting.Local;
using HybridStreaming.Processes;

namespace HybridStreaming.Testing;

/// <summary>
/// The AppHost as a user runs it: its own process (from the build output), in its own process group
/// like a terminal's foreground job, on free ports, with a given state folder. Lets tests and
/// benchmarks wait for all-healthy through the dashboard's JSON and press "Ctrl+C" (SIGINT).
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

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

    /// <param name="extraArguments">More configuration, e.g. <c>--AppHost:Only=channelsdb</c>.</param>
    public static AppHostProcess Start(string stateDirectory, params string[] extraArguments)
    {
        var layout = new RepositoryLayout();
        var assembly = layout.OutputAssembly("HybridStreaming.AppHost");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"The AppHost is not built: {assembly}");
        }

        var dashboardPort = PortAllocator.GetFreePort();
        var gatewayPort = PortAllocator.GetFreePort();
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = layout.Root,
        };
        string[] arguments =
        [
            Executables.FindOnPath("dotnet") ?? "dotnet", assembly,
            $"--AppHost:StateDirectory={stateDirectory}",
            $"--AppHost:DashboardPort={dashboardPort}",
            $"--AppHost:GatewayPort={gatewayPort}",
            $"--AppHost:AgoraEmulatorPort={PortAllocator.GetFreePort()}",
            $"--AppHost:CloudflareEmulatorPort={PortAllocator.GetFreePort()}",
            $"--AppHost:PostgresPort={PortAllocator.GetFreePort()}",
            $"--AppHost:RedisPort={PortAllocator.GetFreePort()}",
            $"--AppHost:RabbitMqPort={PortAllocator.GetFreePort()}",
            $"--AppHost:RabbitMqDistributionPort={PortAllocator.GetFreePort()}",
            $"--AppHost:RabbitMqEpmdPort={PortAllocator.GetFreePort()}",
            $"--AppHost:RabbitMqManagementPort={PortAllocator.GetFreePort()}",
            .. extraArguments,
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
    }

    /// <summary>The resources as the dashboard reports them.</summary>
    public async Task<IReadOnlyList<DashboardResource>> ResourcesAsync(CancellationToken cancellationToken = default) =>
        await _http.GetFromJsonAsync<List<DashboardResource>>(new Uri(DashboardUrl, "api/resources"), cancellationToken) ?? [];

    /// <summary>Waits until every resource is healthy; returns the time it took since the process started.</summary>
    public async Task<TimeSpan> WaitUntilAllHealthyAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                var resources = await ResourcesAsync();
                if (resources.Count > 0 && resources.All(r => r.State == "Healthy"))
                {
                    return _process.StartTime.ToUniversalTime() is var start && start > DateTime.MinValue
                        ? DateTime.UtcNow - start
                        : Stopwatch.GetElapsedTime(started);
                }
            }
            catch (HttpRequestException)
            {
                // The dashboard is not up yet.
            }
            catch (TaskCanceledException)
            {
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Not all resources were healthy after {timeout.TotalSeconds:0} s:{Environment.NewLine}{Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Every process below the AppHost right now: services, servers and what they started.</summary>
    public IReadOnlyList<ProcessInfo> Descendants() => ProcessTree.Descendants(Pid);

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
        _http.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"AppHost pid {Pid}, dashboard {DashboardUrl}");
}

public sealed record DashboardResource(string Name, string Kind, string State, string? Url, string? Detail, int[] ProcessIds);
