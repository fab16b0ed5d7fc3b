using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.ServiceDefaults.Tests;

/// <summary>
/// The AppHost's Redis resource alone (<see cref="TestTopology"/> with <c>Only=redis</c>): all these
/// tests need, so they do not start the whole test infrastructure.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private TestTopology? _topology;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _topology = await TestTopology.StartAsync(new TestTopologyOptions { Only = KnownResources.Redis, StartTimeout = TimeSpan.FromMinutes(2) });
        ConnectionString = await _topology.ConnectionStringAsync(KnownResources.Redis);
    }

    public async ValueTask DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
