using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridStreaming.Messaging.Database;

/// <summary>
/// Wakes a work loop when a transaction that wrote its work commits: a trigger calls <c>pg_notify</c>
/// (delivered only on commit), and this listens on a dedicated connection. Waits fall back to a poll
/// interval, so a lost connection slows the loop down but never stops it.
/// </summary>
public sealed partial class CommitSignal(NpgsqlDataSource dataSource, string channel, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Listens until cancelled, reconnecting after failures. Run it once, next to the loop it wakes.</summary>
    public async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                try
                {
                    // Work may have been committed while nobody listened.
                    Wake();
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        await connection.WaitAsync(stoppingToken);
                    }
                }
                finally
                {
                    // Pooled connections are not reset when they go back (No Reset On Close, see
                    // ServiceDatabaseExtensions), so this one must not take its LISTEN back with it.
                    await UnlistenAsync(connection);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
            {
                LogListenerLost(logger, channel, exception.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task UnlistenAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return; // broken: the pool discards it
        }

        try
        {
            await using var unlisten = new NpgsqlCommand($"UNLISTEN {channel}", connection);
            await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException or IOException)
        {
            // The connection failed on the way out, so Npgsql breaks it and the pool drops it.
        }
    }

    /// <summary>Waits for a commit notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    /// <summary>Wakes the loop (also usable in-process, e.g. after a local change).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _wake.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "LISTEN {Channel} connection lost ({Reason}); polling until it is back")]
    private static partial void LogListenerLost(ILogger logger, string channel, string reason);
}
