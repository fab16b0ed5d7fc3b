using Npgsql;

namespace HybridStreaming.Messaging.Database;

/// <summary>The Postgres database a service owns: one data source shared by EF Core, the outbox relay and health checks.</summary>
public sealed class ServiceDatabase<TDbContext>(string connectionName, NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public string ConnectionName { get; } = connectionName;

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
