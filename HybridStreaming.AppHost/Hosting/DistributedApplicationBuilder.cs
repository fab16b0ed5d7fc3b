using HybridStreaming.AppHost.Hosting.Local;
using HybridStreaming.Processes;
using HybridStreaming.AppHost.Hosting.Resources;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Describes the topology — the counterpart of Aspire's <c>IDistributedApplicationBuilder</c>, with the
/// same names and conventions (<c>AddPostgres</c>, <c>AddDatabase</c>, <c>AddRedis</c>, <c>AddRabbitMQ</c>,
/// <c>AddProject</c>, <c>WithReference</c>, <c>WaitFor</c>).
/// </summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    public DistributedApplicationBuilder(IConfiguration configuration, DistributedApplicationOptions? options = null, RepositoryLayout? layout = null)
    {
        Configuration = configuration;
        Options = options ?? DistributedApplicationOptions.From(configuration);
        Layout = layout ?? new RepositoryLayout();
        StateDirectory = ResolveStateDirectory(Options.StateDirectory ?? Path.Combine(Layout.Root, ".state"));
        Logs = new ResourceLogs(Path.Combine(StateDirectory, "logs"), Options.ConsoleLogs);
    }

    public IConfiguration Configuration { get; }

    public DistributedApplicationOptions Options { get; }

    public RepositoryLayout Layout { get; }

    public string StateDirectory { get; }

    public ResourceLogs Logs { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>The AppHost's configuration: <c>appsettings.json</c>, environment variables, command-line arguments.</summary>
    public static DistributedApplicationBuilder Create(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        return new DistributedApplicationBuilder(configuration);
    }

    public ServerResource AddPostgres(string name)
    {
        var external = Configuration.GetConnectionString(name);
        var local = external is null
            ? new LocalPostgresServer(name, Path.Combine(StateDirectory, name), DistributedApplicationOptions.PortOrFree(Options.PostgresPort), Logs, Options.DurableInfrastructure)
            : null;
        return Add(ServerResource.Postgres(name, local, external));
    }

    public PostgresDatabaseResource AddDatabase(ServerResource postgres, string name, string? databaseName = null) =>
        Add(new PostgresDatabaseResource(name, postgres, databaseName ?? name));

    public ServerResource AddRedis(string name)
    {
        var external = Configuration.GetConnectionString(name);
        var local = external is null
            ? new LocalRedisServer(name, Path.Combine(StateDirectory, name), DistributedApplicationOptions.PortOrFree(Options.RedisPort), Logs, Options.DurableInfrastructure)
            : null;
        return Add(ServerResource.Redis(name, local, external));
    }

    public ServerResource AddRabbitMQ(string name)
    {
        var external = Configuration.GetConnectionString(name);
        LocalRabbitMqServer? local = null;
        if (external is null)
        {
            var ports = new RabbitMqPorts(
                DistributedApplicationOptions.PortOrFree(Options.RabbitMqPort),
                DistributedApplicationOptions.PortOrFree(Options.RabbitMqDistributionPort),
                DistributedApplicationOptions.PortOrFree(Options.RabbitMqEpmdPort),
                DistributedApplicationOptions.PortOrFree(Options.RabbitMqManagementPort));
            local = new LocalRabbitMqServer(name, Path.Combine(StateDirectory, name), ports, Options.RabbitMqNodeName, Logs, Options.RabbitMqManagement);
        }

        return Add(ServerResource.RabbitMq(name, local, external));
    }

    /// <param name="projectPath">The project folder, relative to the repository root (e.g. <c>src/HybridStreaming.Gateway</c>).</param>
    public ProjectResource AddProject(string name, string projectPath) =>
        Add(new ProjectResource(this, name, Layout.ProjectDirectory(projectPath), PortAllocator.GetFreePort()));

    public DistributedApplication Build()
    {
        IReadOnlySet<Resource> selected = Options.OnlySet is { } only ? WithDependencies(only) : _resources.ToHashSet();
        return new DistributedApplication(this, [.. _resources.Where(selected.Contains)]);
    }

    private HashSet<Resource> WithDependencies(IReadOnlySet<string> names)
    {
        var unknown = names.Where(n => _resources.All(r => r.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown resource(s) {string.Join(", ", unknown)}. Known: {string.Join(", ", _resources.Select(r => r.Name))}.");
        }

        var result = new HashSet<Resource>();
        var queue = new Queue<Resource>(_resources.Where(r => names.Contains(r.Name)));
        while (queue.TryDequeue(out var resource))
        {
            if (!result.Add(resource))
            {
                continue;
            }

            foreach (var next in resource.Dependencies.Concat(resource is ProjectResource project ? project.References : []))
            {
                queue.Enqueue(next);
            }
        }

        return result;
    }

    private T Add<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new ArgumentException($"A resource named '{resource.Name}' already exists.");
        }

        _resources.Add(resource);
        return resource;
    }

    /// <summary>
    /// As root, the servers run as their own users (postgres, rabbitmq), who must be able to reach the
    /// state folder. A checkout under a private home (e.g. /root) is not reachable for them: then the
    /// data lives under /var/tmp, and the state folder links to it.
    /// </summary>
    private static string ResolveStateDirectory(string requested)
    {
        var path = Path.GetFullPath(requested);
        Directory.CreateDirectory(path);
        if (!Native.IsRoot || OthersCanTraverse(path))
        {
            return path;
        }

        var fallback = Path.Combine("/var/tmp/hybridstreaming", Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(path)))[..12]);
        Directory.CreateDirectory(fallback);
        foreach (var directory in new[] { "/var/tmp/hybridstreaming", fallback })
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }

        var link = Path.Combine(path, "servers");
        if (!Directory.Exists(link) && !File.Exists(link))
        {
            Directory.CreateSymbolicLink(link, fallback);
        }

        return fallback;
    }

    private static bool OthersCanTraverse(string path)
    {
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if ((File.GetUnixFileMode(directory.FullName) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
