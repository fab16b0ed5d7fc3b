namespace HybridStreaming.Monitoring.Tests;

/// <summary>Where the monitoring files are, from the repository root (the folder holding <c>HybridStreaming.sln</c>).</summary>
internal static class MonitoringFiles
{
    public static string RepositoryRoot { get; } = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException(
            $"Cannot find HybridStreaming.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");

    public static string MonitoringDirectory => Path.Combine(RepositoryRoot, "deploy", "monitoring");

    public static string Alerts => Path.Combine(MonitoringDirectory, "alerts.yml");

    public static string PrometheusConfig => Path.Combine(MonitoringDirectory, "prometheus.yml");

    public static string TestsDirectory => Path.Combine(MonitoringDirectory, "tests");

    public static string Runbook => Path.Combine(RepositoryRoot, "docs", "runbook.md");

    /// <summary>The promtool unit test files, as <c>deploy/monitoring/tests/*.yml</c> expands, sorted.</summary>
    public static IReadOnlyList<string> RuleTests => [.. Directory.GetFiles(TestsDirectory, "*.yml").Order(StringComparer.Ordinal)];

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HybridStreaming.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
