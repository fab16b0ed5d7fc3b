using System.Collections.Concurrent;
using HybridStreaming.Processes;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Aggregates resource output. Each line is kept in a per-resource tail (for the dashboard and for
/// test failures), appended to <c>logs/&lt;resource&gt;.log</c> under the state folder, and — when
/// <see cref="Console"/> is on — printed with a coloured <c>[resource]</c> prefix.
/// </summary>
public sealed class ResourceLogs : IProcessOutput, IDisposable
{
    private const int TailLines = 500;
    private static readonly ConsoleColor[] Palette =
    [
        ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta,
        ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow,
    ];

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _tails = new();
    private readonly ConcurrentDictionary<string, StreamWriter> _files = new();
    private readonly ConcurrentDictionary<string, ConsoleColor> _colors = new();
    private readonly Lock _console = new();
    private readonly string? _directory;
    private int _prefixWidth = 12;

    public ResourceLogs(string? directory, bool console)
    {
        _directory = directory;
        Console = console;
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    public bool Console { get; }

    public string? LogDirectory => _directory;

    public void Write(string resource, string line, bool isError)
    {
        var tail = _tails.GetOrAdd(resource, _ => new ConcurrentQueue<string>());
        tail.Enqueue(line);
        while (tail.Count > TailLines && tail.TryDequeue(out _))
        {
        }

        if (_directory is not null)
        {
            var file = _files.GetOrAdd(resource, name => new StreamWriter(
                new FileStream(Path.Combine(_directory, name + ".log"), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
            {
                AutoFlush = true,
            });
            lock (file)
            {
                file.WriteLine(line);
            }
        }

        if (Console)
        {
            WriteToConsole(resource, line, isError);
        }
    }

    /// <summary>The AppHost's own messages, under its name.</summary>
    public void Info(string message) => Write("apphost", message, isError: false);

    public IReadOnlyList<string> Tail(string resource) =>
        _tails.TryGetValue(resource, out var tail) ? [.. tail] : [];

    private void WriteToConsole(string resource, string line, bool isError)
    {
        var color = _colors.GetOrAdd(resource, _ => Palette[_colors.Count % Palette.Length]);
        lock (_console)
        {
            _prefixWidth = Math.Max(_prefixWidth, resource.Length);
            var redirected = System.Console.IsOutputRedirected;
            if (!redirected)
            {
                System.Console.ForegroundColor = color;
            }

            System.Console.Out.Write(resource.PadRight(_prefixWidth));
            System.Console.Out.Write(" | ");
            if (!redirected)
            {
                if (isError)
                {
                    System.Console.ForegroundColor = ConsoleColor.Red;
                }
                else
                {
                    System.Console.ResetColor();
                }
            }

            System.Console.Out.WriteLine(line);
            if (!redirected)
            {
                System.Console.ResetColor();
            }
        }
    }

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            lock (file)
            {
                file.Dispose();
            }
        }

        _files.Clear();
    }
}
