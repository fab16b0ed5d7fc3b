using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using HybridStreaming.AppHost;
using HybridStreaming.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Testing;

/// <summary>
/// The AppHost's topology — or the part a test needs (<see cref="TestTopologyOptions.Only"/>) — started
/// through Aspire.Hosting.Testing's <see cref="DistributedApplicationTestingBuilder"/>: the same
/// <c>AppTopology</c> as <c>./run.sh</c>, on free loopback ports, in a throw-away state folder, without
/// the dashboard, with throw-away (non-durable) infrastructure. It can stop, start and kill one resource
/// while the others run, and read each resource's state and logs.
/// </summary>
public sealed class TestTopology : IAsyncDisposable
{
    /// <summary>Every port setting of the AppHost, to be chosen free (<c>0</c>).</summary>
    internal static readonly string[] FreePortSettings =
    [
        "GatewayPort", "AgoraEmulatorPort", "CloudflareEmulatorPort", "PostgresPort", "RedisPort", "RabbitMqPort",
        "RabbitMqDistributionPort", "RabbitMqEpmdPort", "RabbitMqManagementPort",
    ];

    private ResourceLogCollector? _logs;

    private TestTopology(DistributedApplication app, string stateDirectory)
    {
        App = app;
        StateDirectory = stateDirectory;
    }

    public DistributedApplication App { get; }

    /// <summary>The topology's state folder (infrastructure data, generated credentials, emulator storage).</summary>
    public string StateDirectory { get; }

    private ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    /// <summary>Builds and starts the topology, and waits until every resource is healthy.</summary>
    public static async Task<TestTopology> StartAsync(TestTopologyOptions? options = null)
    {
        options ??= new TestTopologyOptions();
        var state = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", "topology-" + Guid.NewGuid().ToString("N")[..12]);
        var arguments = new List<string>
        {
            $"--AppHost:StateDirectory={state}",
            "--AppHost:DurableInfrastructure=false",
            "--AppHost:Console=false",
            $"--AppHost:RabbitMqNodeName=hs-{Guid.NewGuid():N}"[..34] + "@localhost",
        };
        arguments.AddRange(FreePortSettings.Select(setting => $"--AppHost:{setting}=0"));
        if (options.Only is { Length: > 0 } only)
        {
            arguments.Add($"--AppHost:Only={only}");
        }

        arguments.AddRange(options.Configuration.Select(setting => $"--{setting.Key}={setting.Value}"));

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HybridStreaming_AppHost>(
            [.. arguments],
            (application, _) => application.DisableDashboard = !options.Dashboard);
        // A test's output is its own: the AppHost's start-up chatter and the health checks that fail
        // while resources start (the AppHost's appsettings.json already silences those) stay out of it.
        // Resource logs stay readable through Logs(name) and in failure reports.
        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("HybridStreaming.AppHost.Resources", LogLevel.None)
            .AddFilter("Aspire.Hosting", LogLevel.Warning));
        options.Configure?.Invoke(builder);

        var app = await builder.BuildAsync();
        var topology = new TestTopology(app, state);
        try
        {
            using var timeout = new CancellationTokenSource(options.StartTimeout);
            await app.StartAsync(timeout.Token);
            // Once started: the orchestrator's instances (and so their log streams) have their names now.
            // A stream's subscriber gets it from its first line.
            topology._logs = new ResourceLogCollector(app);
            await topology.WaitUntilHealthyAsync(timeout.Token);
            return topology;
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException or DistributedApplicationException)
        {
            topology._logs ??= new ResourceLogCollector(app);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var report = topology.Report();
            await topology.DisposeAsync();
            throw new TimeoutException($"The test topology did not become healthy within {options.StartTimeout.TotalSeconds:0} s:{Environment.NewLine}{report}", exception);
        }
        catch
        {
            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>The resources of the model that run or represent something (no parameters, nothing hidden).</summary>
    public IReadOnlyList<IResource> Resources =>
        [.. App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(AppTopology.IsPartOfTopology)];

    public Uri GetEndpoint(string resource) => App.GetEndpoint(resource, "http");

    /// <summary>Another endpoint of a resource, e.g. a service's internal <c>metrics</c> port.</summary>
    public Uri GetEndpoint(string resource, string endpoint) => App.GetEndpoint(resource, endpoint);

    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"{resource} has no connection string.");

    /// <summary>The environment the AppHost gives <paramref name="resource"/>, resolved as the process gets it.</summary>
    public async Task<IReadOnlyDictionary<string, string>> EnvironmentOfAsync(string resource)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(resource))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(App.Services.GetRequiredService<DistributedApplicationExecutionContext>());
        return configuration.EnvironmentVariables.ToDictionary(StringComparer.Ordinal);
    }

    public IResource Resource(string name) =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"The topology has no resource '{name}'.");

    /// <summary>The resource's current snapshot (state, health, properties such as its process id).</summary>
    public CustomResourceSnapshot Snapshot(string resource) =>
        Notifications.TryGetCurrentState(resource, out var current) ? current.Snapshot : throw new KeyNotFoundException($"No state for '{resource}'.");

    /// <summary>The process the orchestrator started for the resource (a script, a server, or <c>dotnet &lt;Project&gt;.dll</c>), while it runs.</summary>
    public int? ProcessId(string resource) =>
        Snapshot(resource).Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
        && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), out var pid) ? pid : null;

    /// <summary>Every process of the resource: the one the orchestrator started and all below it.</summary>
    public IReadOnlyList<int> ProcessTreeOf(string resource) =>
        ProcessId(resource) is { } pid ? [pid, .. ProcessTree.Descendants(pid).Select(p => p.Pid)] : [];

    /// <summary>Lines the resource has written so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Logs(string resource) => _logs?.Lines(resource) ?? [];

    /// <summary>Stops one resource through Aspire's resource command (as the dashboard's Stop button does) and waits until it has stopped.</summary>
    public async Task StopAsync(string resource, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        await Notifications.WaitForResourceAsync(resource, [KnownResourceStates.Finished, KnownResourceStates.Exited], cancellationToken);
    }

    /// <summary>Starts a stopped resource again (the dashboard's Start button) and waits until it is healthy.</summary>
    public async Task StartAsync(string resource, CancellationToken cancellationToken = default)
    {
        await ExecuteAsync(resource, KnownResourceCommands.StartCommand, cancellationToken);
        await Notifications.WaitForResourceHealthyAsync(resource, cancellationToken);
    }

    /// <summary>Kills the resource's processes with SIGKILL (a crash, no clean shutdown) and waits until the orchestrator sees it gone.</summary>
    public async Task KillAsync(string resource, CancellationToken cancellationToken = default)
    {
        var processes = ProcessTreeOf(resource);
        if (processes.Count == 0)
        {
            throw new InvalidOperationException($"{resource} has no running process.");
        }

        foreach (var pid in processes.Reverse())
        {
            Native.Signal(pid, Native.SIGKILL);
        }

        await Notifications.WaitForResourceAsync(resource, [KnownResourceStates.Finished, KnownResourceStates.Exited, KnownResourceStates.FailedToStart], cancellationToken);
    }

    private async Task ExecuteAsync(string resource, string command, CancellationToken cancellationToken)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' on {resource} failed: {result.Message}");
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Resources.Select(r => Notifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));

    /// <summary>Every resource's state and health, with the last lines of those that are not healthy.</summary>
    public string Report()
    {
        var report = new StringBuilder();
        foreach (var resource in Resources)
        {
            var snapshot = Notifications.TryGetCurrentState(resource.Name, out var current) ? current.Snapshot : null;
            report.AppendLine(CultureInfo.InvariantCulture, $"  {resource.Name,-22} {snapshot?.State?.Text ?? "?",-12} {snapshot?.HealthStatus?.ToString() ?? "-"}");
            if (snapshot?.HealthStatus is not Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                foreach (var line in Logs(resource.Name).TakeLast(15))
                {
                    report.AppendLine(CultureInfo.InvariantCulture, $"      | {line}");
                }
            }
        }

        return report.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await App.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposing below ends whatever is left.
        }

        await App.DisposeAsync();
        _logs?.Dispose();
        if (Environment.GetEnvironmentVariable("HS_KEEP_TEST_STATE") != "1")
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Best effort: the folder is under the temp directory.
            }
        }
    }

    /// <summary>Follows every resource's log from the start, so a failed start can show what each wrote.</summary>
    private sealed class ResourceLogCollector : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Dictionary<string, List<string>> _lines = new(StringComparer.Ordinal);

        public ResourceLogCollector(DistributedApplication app)
        {
            var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
            foreach (var resource in app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Where(AppTopology.IsPartOfTopology))
            {
                _ = FollowAsync(loggers, resource);
            }
        }

        public IReadOnlyList<string> Lines(string resource)
        {
            lock (_lines)
            {
                return _lines.TryGetValue(resource, out var lines) ? [.. lines] : [];
            }
        }

        private async Task FollowAsync(ResourceLoggerService loggers, IResource resource)
        {
            try
            {
                // By resource, not by name: the orchestrator's instances have names of their own.
                await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(_stop.Token))
                {
                    lock (_lines)
                    {
                        if (!_lines.TryGetValue(resource.Name, out var lines))
                        {
                            _lines[resource.Name] = lines = [];
                        }

                        lines.AddRange(batch.Select(line => line.Content));
                        if (lines.Count > 5000)
                        {
                            lines.RemoveRange(0, lines.Count - 5000);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}

/// <summary>What a test changes about the topology.</summary>
public sealed class TestTopologyOptions
{
    /// <summary>Only these resources (comma-separated) and what they depend on, e.g. <c>postgres,redis,rabbitmq</c>.</summary>
    public string? Only { get; init; }

    /// <summary>AppHost configuration, e.g. <c>EMULATOR_MEDIA=off</c>.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    /// <summary>Changes to the resources before the topology starts (test settings such as short deadlines).</summary>
    public Action<IDistributedApplicationTestingBuilder>? Configure { get; init; }

    /// <summary>Run the Aspire dashboard too (and with it OTLP export from every service).</summary>
    public bool Dashboard { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(4);
}

/// <summary>Test settings for one resource of the topology.</summary>
public static class TestTopologyBuilderExtensions
{
    public static IResourceBuilder<ServiceResource> Project(this IDistributedApplicationTestingBuilder builder, string name) =>
        builder.CreateResourceBuilder<ServiceResource>(name);
}
