namespace HybridStreaming.AppHost;

/// <summary>
/// A secret of a local run, generated on the first run and kept (owner-only) in the state folder, so
/// whatever was made with it — a Postgres cluster, a broker's user, tokens already handed out — stays
/// usable on the next run.
/// </summary>
internal static class KeptSecret
{
    public static string LoadOrCreate(string path, Func<string> generate)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var secret = generate();
        File.WriteAllText(path, secret + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return secret;
    }
}
