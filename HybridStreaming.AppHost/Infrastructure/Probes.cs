using System.Net.Sockets;
using System.Text;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HybridStreaming.AppHost.Infrastructure;

/// <summary>
/// Readiness probes that use each server the way its clients do: a Postgres query (on a pooled connection), a Redis PING, an
/// AMQP connection with the configured credentials, an HTTP GET of <c>/health</c>.
/// Each returns null when ready, else a short reason.
/// </summary>
public static class Probes
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public static async Task<string?> PostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            // Pooled, with a query: every two seconds for each database, a fresh backend and a SCRAM
            // login cost Postgres far more than the probe is worth; SELECT 1 still proves the server
            // answers, and a connection the server dropped fails it (and leaves the pool).
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 2, CommandTimeout = 2, MaxPoolSize = 1, ConnectionIdleLifetime = 60 };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return null;
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            return exception.Message;
        }
    }

    public static async Task<string?> RedisAsync(string connectionString, CancellationToken cancellationToken)
    {
        // StackExchange.Redis format: "host:port[,option=value...]".
        var endpoint = connectionString.Split(',')[0];
        var separator = endpoint.LastIndexOf(':');
        var host = separator > 0 ? endpoint[..separator] : endpoint;
        var port = separator > 0 && int.TryParse(endpoint[(separator + 1)..], out var p) ? p : 6379;
        try
        {
            using var client = new TcpClient();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[128];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var reply = Encoding.ASCII.GetString(buffer, 0, read);
            // "-NOAUTH" still proves the server is up and answering; the services authenticate themselves.
            return reply.StartsWith("+PONG", StringComparison.Ordinal) || reply.StartsWith("-NOAUTH", StringComparison.Ordinal)
                ? null
                : $"unexpected reply {reply.Trim()}";
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            return exception is OperationCanceledException ? "no answer to PING" : exception.Message;
        }
    }

    public static async Task<string?> RabbitMqAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(connectionString),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
                AutomaticRecoveryEnabled = false,
                ClientProvidedName = "hybridstreaming-apphost-probe",
            };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen ? null : "connection closed";
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or IOException or SocketException or OperationInterruptedException)
        {
            return exception.InnerException?.Message ?? exception.Message;
        }
    }

    public static async Task<string?> HttpHealthAsync(string baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(new Uri(baseUrl), "/health"), cancellationToken);
            return response.IsSuccessStatusCode ? null : $"/health answered {(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return exception is TaskCanceledException ? "/health did not answer" : exception.Message;
        }
    }
}
