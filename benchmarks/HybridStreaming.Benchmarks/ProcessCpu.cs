using System.Globalization;
using HybridStreaming.Processes;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>CPU time from /proc: the whole machine (<c>/proc/stat</c>) and processes (utime + stime), in USER_HZ ticks.</summary>
public static class ProcessCpu
{
    /// <summary>USER_HZ, the unit of /proc's CPU times, on Linux.</summary>
    public const double TicksPerSecond = 100.0;

    public static (long Busy, long Total) MachineJiffies()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return (total - idle, total);
    }

    public static long ProcessJiffies(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// CPU used so far by each of the topology's resources that runs processes — the resource's
    /// process and all its descendants (Postgres backends, RabbitMQ's beam.smp, ffmpeg), by pid so
    /// that a window's figure is the difference of two snapshots.
    /// </summary>
    public static Dictionary<(string Resource, int Pid), long> ByResource(TestTopology app)
    {
        var result = new Dictionary<(string, int), long>();
        foreach (var resource in app.Resources)
        {
            foreach (var pid in app.ProcessTreeOf(resource.Name))
            {
                result[(resource.Name, pid)] = ProcessJiffies(pid);
            }
        }

        return result;
    }

    /// <summary>Milliseconds of CPU per resource between two <see cref="ByResource"/> snapshots (processes started in between count from zero).</summary>
    public static IReadOnlyList<(string Resource, double Milliseconds)> Used(Dictionary<(string Resource, int Pid), long> before, Dictionary<(string Resource, int Pid), long> after) =>
        [.. after.GroupBy(e => e.Key.Resource)
            .Select(g => (g.Key, g.Sum(e => e.Value - before.GetValueOrDefault(e.Key)) * 1000 / TicksPerSecond))
            .OrderByDescending(r => r.Item2)];
}
