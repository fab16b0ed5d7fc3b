using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;

namespace HybridStreaming.Testing;

/// <summary>
/// The Testcontainers path of <see cref="TestInfrastructure"/>, for machines with a Docker engine and
/// without the OS packages. These machines have no engine, so CI never takes it; it is kept small.
/// </summary>
internal sealed class ContainerInfrastructure(PostgreSqlContainer postgres, RedisContainer redis, RabbitMqContainer rabbitmq)
    : IInfrastructure
{
    public static bool IsAvailable =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");

    public string Source => "testcontainers";

    public string Postgres => postgres.GetConnectionString();

    public string Redis => redis.GetConnectionString();

    public string RabbitMq => rabbitmq.GetConnectionString();

    public static async Task<ContainerInfrastructure> StartAsync()
    {
        var infrastructure = new ContainerInfrastructure(
            new PostgreSqlBuilder("postgres:15-alpine").Build(),
            new RedisBuilder("redis:7-alpine").Build(),
            new RabbitMqBuilder("rabbitmq:3.13-alpine").Build());
        await Task.WhenAll(infrastructure.Containers.Select(c => c.StartAsync()));
        return infrastructure;
    }

    private IEnumerable<DotNet.Testcontainers.Containers.IContainer> Containers => [postgres, redis, rabbitmq];

    public async ValueTask DisposeAsync()
    {
        foreach (var container in Containers)
        {
            await container.DisposeAsync();
        }
    }
}
