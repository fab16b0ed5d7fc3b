using System.Globalization;
using System.Security.Cryptography;
using HybridStreaming.Processes;

namespace HybridStreaming.AppHost.Hosting.Local;

/// <summary>
/// RabbitMQ from the OS package, on 127.0.0.1 only: its own epmd (started first, as a child of ours, so
/// no daemon outlives us), the Erlang VM exec'd in the foreground (<c>RUNNING_UNDER_SYSTEMD</c> makes the
/// start script exec instead of forking), distribution bound to loopback, and a generated user.
/// SIGTERM stops it cleanly. Data (mnesia) persists under the data folder for the same node name.
/// </summary>
public sealed class LocalRabbitMqServer : LocalServer
{
    private const string ServiceUser = "rabbitmq";
    private const string UserName = "hybridstreaming";
    private readonly string _nodeName;
    private readonly bool _management;

    public LocalRabbitMqServer(string name, string dataDirectory, RabbitMqPorts ports, string nodeName, IProcessOutput logs, bool management = false)
        : base(name, dataDirectory, logs)
    {
        Ports = ports;
        _nodeName = nodeName;
        _management = management;
        var passwordFile = Path.Combine(DataDirectory, "password");
        if (File.Exists(passwordFile))
        {
            Password = File.ReadAllText(passwordFile).Trim();
        }
        else
        {
            Directory.CreateDirectory(DataDirectory);
            Password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            File.WriteAllText(passwordFile, Password + "\n");
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public RabbitMqPorts Ports { get; }

    public string Password { get; }

    public override string ConnectionString => $"amqp://{UserName}:{Password}@127.0.0.1:{Ports.Amqp}/";

    public string? ManagementUrl => _management ? $"http://127.0.0.1:{Ports.Management}/" : null;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = Executables.Require(
            File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server") ? "/usr/lib/rabbitmq/bin/rabbitmq-server" : null,
            "RabbitMQ",
            "rabbitmq-server");
        var epmd = Executables.Require(Executables.FindOnPath("epmd"), "Erlang's epmd", "erlang-base");

        var mnesia = Path.Combine(DataDirectory, "mnesia");
        var logs = Path.Combine(DataDirectory, "log");
        Directory.CreateDirectory(mnesia);
        Directory.CreateDirectory(logs);
        var config = Path.Combine(DataDirectory, "rabbitmq.conf");
        File.WriteAllLines(config,
        [
            $"listeners.tcp.default = 127.0.0.1:{Ports.Amqp}",
            // Applied when the node boots for the first time; the password file keeps it across runs.
            $"default_user = {UserName}",
            $"default_pass = {Password}",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
            .. _management
                ? new[] { "management.tcp.ip = 127.0.0.1", $"management.tcp.port = {Ports.Management}" }
                : [],
        ]);
        // It holds the password: readable by the broker's user only.
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var plugins = Path.Combine(DataDirectory, "enabled_plugins");
        File.WriteAllText(plugins, _management ? "[rabbitmq_management].\n" : "[].\n");
        await GiveToUserAsync(DataDirectory, ServiceUser, cancellationToken);

        Launch(new ProcessLaunch(epmd, ["-port", Ports.Epmd.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"])
        {
            RunAsUser = ServiceUser,
            WorkingDirectory = DataDirectory,
        });

        Launch(new ProcessLaunch(server, [])
        {
            RunAsUser = ServiceUser,
            WorkingDirectory = DataDirectory,
            Secrets = [Password],
            Environment = new Dictionary<string, string?>
            {
                ["HOME"] = DataDirectory,
                ["RUNNING_UNDER_SYSTEMD"] = "true",
                ["RABBITMQ_NODENAME"] = _nodeName,
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = Ports.Amqp.ToString(CultureInfo.InvariantCulture),
                ["RABBITMQ_DIST_PORT"] = Ports.Distribution.ToString(CultureInfo.InvariantCulture),
                ["ERL_EPMD_PORT"] = Ports.Epmd.ToString(CultureInfo.InvariantCulture),
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_MNESIA_BASE"] = mnesia,
                ["RABBITMQ_LOG_BASE"] = logs,
                ["RABBITMQ_PID_FILE"] = Path.Combine(DataDirectory, "rabbit.pid"),
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins,
                ["RABBITMQ_CONFIG_FILE"] = config,
                ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            },
        });
    }

    public override Task<string?> ProbeAsync(CancellationToken cancellationToken) =>
        Probes.RabbitMqAsync(ConnectionString, cancellationToken);

    /// <summary>The VM first, with SIGTERM (a clean stop takes a few seconds), then its epmd.</summary>
    protected override TimeSpan StopGrace => TimeSpan.FromSeconds(30);
}

/// <summary>The ports one RabbitMQ node needs: AMQP, Erlang distribution, its epmd, and management (when enabled).</summary>
public sealed record RabbitMqPorts(int Amqp, int Distribution, int Epmd, int Management)
{
    public static RabbitMqPorts Free() =>
        new(PortAllocator.GetFreePort(), PortAllocator.GetFreePort(), PortAllocator.GetFreePort(), PortAllocator.GetFreePort());
}
