using System.Globalization;

namespace HybridStreaming.Processes;

/// <summary>One line of <c>/proc/&lt;pid&gt;/stat</c>, the fields supervision needs.</summary>
public readonly record struct ProcessInfo(int Pid, string Command, char State, int ParentPid, int ProcessGroup, int Session, ulong StartTime)
{
    /// <summary>Exited but not reaped (zombie) or dead: it no longer runs, yet a zombie still counts as left behind.</summary>
    public bool IsZombie => State is 'Z' or 'X';
}

/// <summary>Reads the process table from <c>/proc</c>.</summary>
public static class ProcessTree
{
    public static IReadOnlyList<ProcessInfo> Snapshot()
    {
        var result = new List<ProcessInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } info)
            {
                result.Add(info);
            }
        }

        return result;
    }

    public static ProcessInfo? TryRead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) S ppid pgrp session ..." — comm may hold spaces and parentheses, so split at the last ')'.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20)
        {
            return null;
        }

        return new ProcessInfo(
            pid,
            stat[(open + 1)..close],
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    /// <summary>All descendants of <paramref name="pid"/> (children, grandchildren, …), not the process itself.</summary>
    public static IReadOnlyList<ProcessInfo> Descendants(int pid, IReadOnlyList<ProcessInfo>? snapshot = null)
    {
        snapshot ??= Snapshot();
        var byParent = snapshot.ToLookup(p => p.ParentPid);
        var result = new List<ProcessInfo>();
        var queue = new Queue<int>([pid]);
        while (queue.Count > 0)
        {
            foreach (var child in byParent[queue.Dequeue()])
            {
                result.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return result;
    }

    /// <summary>Whether a process that is not a zombie still runs with this pid and start time (pids are reused).</summary>
    public static bool IsRunning(int pid, ulong startTime) =>
        TryRead(pid) is { } info && info.StartTime == startTime && !info.IsZombie;

    /// <summary>The command line of a process, arguments separated by spaces (empty if unreadable).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
