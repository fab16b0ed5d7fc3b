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
        // Owner-only from its creation: the folder itself is readable by the servers' service users.
        using var file = new StreamWriter(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        file.Write(secret + "\n");
        return secret;
    }
}
