using HybridStreaming.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.AppHost.Tests.TopologyFixture))]

namespace HybridStreaming.AppHost.Tests;

/// <summary>
/// The whole topology, started once for this assembly through Aspire.Hosting.Testing — including its
/// own Postgres, Redis and RabbitMQ as executable resources, since starting them is what is under test here.
/// </summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public TestTopology App { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        App = await TestTopology.StartAsync(new TestTopologyOptions { StartTimeout = TimeSpan.FromMinutes(4) });

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Tests that run the AppHost as its own process, one after the other: each is a whole platform, and
/// two of them beside the assembly's topology would starve two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AppHostProcesses
{
    public const string Name = "AppHost processes";
}
