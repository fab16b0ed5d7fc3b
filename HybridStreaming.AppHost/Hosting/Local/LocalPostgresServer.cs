using System.Security.Cryptography;
using HybridStreaming.Processes;
using Npgsql;

namespace HybridStreaming.AppHost.Hosting.Local;

/// <summary>
/// PostgreSQL from the OS package, on 127.0.0.1 only (no Unix socket), password authentication, data in
/// <c>&lt;DataDirectory&gt;/data</c>. The password is generated once and kept next to the data, so a
/// second start reuses both.
/// </summary>
public sealed class LocalPostgresServer : LocalServer
{
    private const string ServiceUser = "postgres";
    private readonly bool _durable;

    /// <param name="durable">false for throw-away test servers: no fsync, much faster.</param>
    public LocalPostgresServer(string name, string dataDirectory, int port, IProcessOutput logs, bool durable)
        : base(name, dataDirectory, logs)
    {
        Port = port;
        _durable = durable;
        Password = LoadOrCreatePassword(Path.Combine(DataDirectory, "password"));
    }

    public int Port { get; }

    public string Password { get; }

    public override string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password}";

    public string DatabaseConnectionString(string database) => $"{ConnectionString};Database={database}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var bin = Executables.Require(Executables.PostgresBinDirectory(), "PostgreSQL server", "postgresql");
        var data = Path.Combine(DataDirectory, "data");
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            await InitializeAsync(bin, data, cancellationToken);
        }

        string[] settings =
        [
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=",
            "max_connections=300",
            "log_min_messages=warning",
            "log_line_prefix=%m [%p] ",
            .. _durable ? Array.Empty<string>() : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"],
        ];
        Launch(new ProcessLaunch(
            Path.Combine(bin, "postgres"),
            ["-D", data, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. settings.SelectMany(s => new[] { "-c", s })])
        {
            RunAsUser = ServiceUser,
            WorkingDirectory = DataDirectory,
        });
    }

    private async Task InitializeAsync(string bin, string data, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(DataDirectory);
        var passwordFile = Path.Combine(DataDirectory, "password");
        await GiveToUserAsync(DataDirectory, ServiceUser, cancellationToken);
        await RunToCompletionAsync(
            new ProcessLaunch(
                Path.Combine(bin, "initdb"),
                ["-D", data, "-U", "postgres", "--pwfile", passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"])
            {
                RunAsUser = ServiceUser,
                WorkingDirectory = DataDirectory,
            },
            cancellationToken);
    }

    public override Task<string?> ProbeAsync(CancellationToken cancellationToken) =>
        Probes.PostgresAsync(ConnectionString, cancellationToken);

    /// <summary>Creates the database unless it exists (as .NET Aspire's AddDatabase does).</summary>
    public Task CreateDatabaseAsync(string database, CancellationToken cancellationToken) =>
        PostgresDatabases.EnsureCreatedAsync(ConnectionString, database, cancellationToken);

    /// <summary>SIGINT is Postgres' "fast" shutdown: roll back open transactions, checkpoint, exit.</summary>
    protected override int StopSignal(int processIndex) => Native.SIGINT;

    private static string LoadOrCreatePassword(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(path, password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return password;
    }
}

/// <summary>Database creation on any Postgres server (local or given by connection string).</summary>
public static class PostgresDatabases
{
    public static async Task EnsureCreatedAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created concurrently: fine.
        }
    }
}
