namespace HybridStreaming.AppHost.Hosting.Local;

/// <summary>Finds the programs of the OS packages the local servers need, with an install hint when one is missing.</summary>
public static class Executables
{
    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public static string Require(string? path, string what, string package) =>
        path ?? throw new PrerequisiteMissingException(
            $"{what} is not installed. Install the Debian/Ubuntu package '{package}' " +
            $"(sudo apt-get install -y {package}), or run ./run.sh or ./test.sh, which install everything.");

    /// <summary>The bin folder of the newest installed PostgreSQL server (Debian keeps them off PATH).</summary>
    public static string? PostgresBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (Directory.Exists(root))
        {
            var newest = Directory.EnumerateDirectories(root)
                .Select(directory => (directory, version: int.TryParse(Path.GetFileName(directory), out var v) ? v : -1))
                .Where(candidate => candidate.version > 0 && File.Exists(Path.Combine(candidate.directory, "bin", "postgres")))
                .OrderByDescending(candidate => candidate.version)
                .Select(candidate => Path.Combine(candidate.directory, "bin"))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return FindOnPath("postgres") is { } postgres ? Path.GetDirectoryName(postgres) : null;
    }
}

public sealed class PrerequisiteMissingException(string message) : Exception(message);
