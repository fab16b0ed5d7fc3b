using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.AppHost.Tests.TopologyFixture))]

namespace HybridStreaming.AppHost.Tests;

/// <summary>
/// The whole topology, started once for this assembly by the testing entry point — including its own
/// Postgres, Redis and RabbitMQ as local processes, since starting them is what is under test here.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public DistributedApplication App { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        App = await DistributedApplicationTestingBuilder.Create().StartAsync(TimeSpan.FromMinutes(3));

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}
