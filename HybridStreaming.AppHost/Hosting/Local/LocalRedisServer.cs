using HybridStreaming.Processes;
using System.Globalization;

namespace HybridStreaming.AppHost.Hosting.Local;

/// <summary>Redis from the OS package on 127.0.0.1; persistent servers snapshot to <c>dump.rdb</c> in the data folder.</summary>
public sealed class LocalRedisServer(string name, string dataDirectory, int port, IProcessOutput logs, bool durable)
    : LocalServer(name, dataDirectory, logs)
{
    public int Port { get; } = port;

    public override string ConnectionString => $"127.0.0.1:{Port}";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var redis = Executables.Require(Executables.FindOnPath("redis-server"), "Redis", "redis-server");
        Directory.CreateDirectory(DataDirectory);
        Launch(new ProcessLaunch(
            redis,
            [
                "--port", Port.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", DataDirectory,
                "--appendonly", "no",
                "--save", durable ? "60 1" : "",
                "--daemonize", "no",
                "--loglevel", "warning",
            ])
        {
            WorkingDirectory = DataDirectory,
        });
        return Task.CompletedTask;
    }

    public override Task<string?> ProbeAsync(CancellationToken cancellationToken) =>
        Probes.RedisAsync(ConnectionString, cancellationToken);
}
