namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Where things are in this repository: its root (the folder holding <c>HybridStreaming.sln</c>) and
/// the build output of each project (<c>artifacts/bin/&lt;Project&gt;/&lt;configuration&gt;/</c>, the
/// artifacts layout set in Directory.Build.props).
/// </summary>
public sealed class RepositoryLayout
{
    public const string SolutionFile = "HybridStreaming.sln";

    public RepositoryLayout(string? root = null)
    {
        Root = root ?? FindRoot(AppContext.BaseDirectory) ?? FindRoot(Environment.CurrentDirectory)
            ?? throw new InvalidOperationException(
                $"Cannot find the repository root ({SolutionFile}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");

        // Services are built with the configuration this process was built with (debug or release).
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        Pivot = own.Parent?.Parent?.Name == "bin" && own.Parent.Parent.Parent?.Name == "artifacts" ? own.Name : "debug";
    }

    public string Root { get; }

    /// <summary>The artifacts pivot: <c>debug</c> or <c>release</c>.</summary>
    public string Pivot { get; }

    public string ProjectDirectory(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    public string OutputAssembly(string projectName) =>
        Path.Combine(Root, "artifacts", "bin", projectName, Pivot, projectName + ".dll");

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
