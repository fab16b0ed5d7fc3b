namespace HybridStreaming.Testing;

/// <summary>Free loopback ports for servers a test starts itself (the AppHost's allocator: never the same one twice in this process).</summary>
public static class Loopback
{
    public static int FreePort() => HybridStreaming.AppHost.AppHostSettings.FreePort();
}

/// <summary>The repository this test runs from (the folder holding <c>HybridStreaming.sln</c>).</summary>
public static class Repository
{
    public static string Root { get; } = Find(AppContext.BaseDirectory) ?? Find(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException($"Cannot find HybridStreaming.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");

    private static string? Find(string start)
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
