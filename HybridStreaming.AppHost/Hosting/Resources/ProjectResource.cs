using System.Globalization;
using HybridStreaming.Processes;

namespace HybridStreaming.AppHost.Hosting.Resources;

/// <summary>
/// A .NET project of this repository, started from its build output (<c>dotnet &lt;assembly&gt;.dll</c>,
/// never <c>dotnet run</c>) with the environment .NET Aspire would give it: its URL, connection strings,
/// service-discovery entries and OpenTelemetry settings.
/// </summary>
public sealed class ProjectResource : Resource, IResourceWithHttpEndpoint
{
    private readonly Dictionary<string, Func<string>> _environment = new(StringComparer.Ordinal);
    private readonly DistributedApplicationBuilder _builder;
    private ManagedProcess? _process;

    internal ProjectResource(DistributedApplicationBuilder builder, string name, string projectDirectory, int port)
        : base(name)
    {
        _builder = builder;
        ProjectDirectory = projectDirectory;
        Port = port;
    }

    public override string Kind => "project";

    /// <summary>The project's folder; also the working directory, as with <c>dotnet run</c>.</summary>
    public string ProjectDirectory { get; }

    public string AssemblyPath => _builder.Layout.OutputAssembly(Path.GetFileName(ProjectDirectory));

    public int Port { get; private set; }

    public string HttpUrl => $"http://127.0.0.1:{Port}";

    public override string? Url => HttpUrl;

    /// <summary>Resources this project is configured to reach (for subset starts, they come along).</summary>
    public List<Resource> References { get; } = [];

    /// <summary>Pins the HTTP port (the gateway's public 8080, the emulators' 8091/8092).</summary>
    public ProjectResource WithHttpEndpoint(int port)
    {
        Port = port > 0 ? port : PortAllocator.GetFreePort();
        return this;
    }

    /// <summary>Sets <c>ConnectionStrings__{name}</c>.</summary>
    public ProjectResource WithReference<T>(T resource)
        where T : Resource, IResourceWithConnectionString
    {
        _environment[$"ConnectionStrings__{resource.Name}"] = () => resource.ConnectionString;
        References.Add(resource);
        return this;
    }

    /// <summary>Sets <c>services__{name}__http__0</c>, the service-discovery entry for another project.</summary>
    public ProjectResource WithReference(ProjectResource project)
    {
        _environment[$"services__{project.Name}__http__0"] = () => project.HttpUrl;
        References.Add(project);
        return this;
    }

    public ProjectResource WithEnvironment(string name, string value) => WithEnvironment(name, () => value);

    public ProjectResource WithEnvironment(string name, Func<string> value)
    {
        _environment[name] = value;
        return this;
    }

    public ProjectResource WaitFor(Resource resource)
    {
        if (!Dependencies.Contains(resource))
        {
            Dependencies.Add(resource);
        }

        return this;
    }

    /// <summary>The environment the process gets (resolved now, so connection strings are final).</summary>
    public IReadOnlyDictionary<string, string?> ResolveEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = HttpUrl,
            ["ASPNETCORE_ENVIRONMENT"] = _builder.Options.ServiceEnvironment,
            ["DOTNET_ENVIRONMENT"] = _builder.Options.ServiceEnvironment,
            ["DOTNET_LAUNCH_PROFILE"] = null,
            ["HTTP_PORTS"] = null,
            ["HTTPS_PORTS"] = null,
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Guid.NewGuid():N}",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["LOGGING__CONSOLE__DISABLECOLORS"] = "true",
        };
        foreach (var (name, value) in _builder.Options.OtlpEnvironment)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in _environment)
        {
            environment[name] = value();
        }

        return environment;
    }

    internal override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException(
                $"{Name} is not built: {AssemblyPath} is missing. Build the solution first (dotnet build), " +
                "or start the AppHost with dotnet run --project HybridStreaming.AppHost, which builds it.");
        }

        if (!PortAllocator.IsFree(Port))
        {
            throw new InvalidOperationException(
                $"Port {Port} for {Name} is already in use. Is another AppHost running? Stop it, or choose another port.");
        }

        _process = ManagedProcess.Start(
            Name,
            new ProcessLaunch(DotNet.HostPath, [AssemblyPath])
            {
                WorkingDirectory = ProjectDirectory,
                Environment = ResolveEnvironment(),
            },
            _builder.Logs);
        return Task.CompletedTask;
    }

    internal override Task<string?> CheckHealthAsync(CancellationToken cancellationToken) =>
        Probes.HttpHealthAsync(HttpUrl, cancellationToken);

    internal override async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(30));
        }
    }

    internal override Task<int>? Exited => _process?.Exited;

    internal override IReadOnlyList<int> ProcessIds => _process is { } process ? [process.Pid] : [];

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({HttpUrl}, {State})");
}

/// <summary>Finds the <c>dotnet</c> host that runs the services.</summary>
internal static class DotNet
{
    public static string HostPath { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
        {
            return Path.Combine(root, "dotnet");
        }

        return Local.Executables.FindOnPath("dotnet") ?? "dotnet";
    }
}
