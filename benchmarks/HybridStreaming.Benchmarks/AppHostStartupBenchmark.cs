using System.Globalization;
using HybridStreaming.Processes;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// The AppHost as a developer starts it (its own process, with the Aspire dashboard): cold start on a
/// fresh state folder (initdb, a new RabbitMQ node) and warm start on the kept data, each from process
/// start to the AppHost's "All N resources are healthy" line; then, on the last warm run, the resident
/// memory of everything it runs once idle, by kind of process.
/// </summary>
public static class AppHostStartupBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 3);
        var idleSeconds = options.Int("idle-seconds", 30);
        var cold = new List<double>();
        var warm = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var state = Path.Combine(Path.GetTempPath(), "hybridstreaming-bench", Guid.NewGuid().ToString("N")[..8]);
            try
            {
                cold.Add(await MeasureAsync(state, idleSeconds: 0));
                warm.Add(await MeasureAsync(state, idleSeconds: run == runs - 1 ? idleSeconds : 0));
            }
            finally
            {
                Directory.Delete(state, recursive: true);
            }

            Console.WriteLine($"run {run + 1}: cold {cold[^1]:0.0} s, warm (data reused) {warm[^1]:0.0} s");
        }

        cold.Sort();
        warm.Sort();
        Figures.Print("apphost_cold_start_to_all_healthy_median", Figures.Percentile(cold, 50), "s");
        Figures.Print("apphost_warm_start_to_all_healthy_median", Figures.Percentile(warm, 50), "s");
        return 0;
    }

    private static async Task<double> MeasureAsync(string state, int idleSeconds)
    {
        await using var apphost = AppHostProcess.Start(state);
        var elapsed = await apphost.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(5));
        if (idleSeconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            PrintIdleMemory(apphost);
        }

        await apphost.InterruptAsync(TimeSpan.FromSeconds(90));
        return elapsed.TotalSeconds;
    }

    /// <summary>
    /// Memory of the AppHost and every process it runs, summed by kind: RSS (what each process has
    /// resident; shared pages — Postgres' shared buffers, the .NET runtime's code — count once per
    /// process) and PSS (shared pages split between their processes: what the topology really takes).
    /// </summary>
    private static void PrintIdleMemory(AppHostProcess apphost)
    {
        var processes = apphost.Descendants().Append(ProcessTree.TryRead(apphost.Pid)!.Value).ToList();
        var byKind = processes
            .GroupBy(p => Kind(p))
            .Select(g => (Kind: g.Key, Count: g.Count(), Rss: g.Sum(p => Memory(p.Pid, "Rss:")) / 1024.0, Pss: g.Sum(p => Memory(p.Pid, "Pss:")) / 1024.0))
            .OrderByDescending(k => k.Pss)
            .ToList();
        foreach (var (kind, count, rss, pss) in byKind)
        {
            Figures.Print($"apphost_idle_pss_{kind}", pss, string.Create(CultureInfo.InvariantCulture, $"MiB (RSS {rss:0} MiB, {count} processes)"));
        }

        Figures.Print("apphost_idle_pss_total", byKind.Sum(k => k.Pss), "MiB");
        Figures.Print("apphost_idle_rss_total", byKind.Sum(k => k.Rss), "MiB");
    }

    private static string Kind(ProcessInfo process)
    {
        var commandLine = ProcessTree.CommandLine(process.Pid);
        return process.Command switch
        {
            "postgres" or "redis-server" or "beam.smp" or "epmd" or "erl_child_setup" or "inet_gethost" => "infrastructure",
            "bash" or "setpriv" or "sh" => "infrastructure_scripts",
            "dcp" or "dcpctrl" or "dcpproc" => "orchestrator",
            "ffmpeg" or "nginx" => "emulator_media",
            _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "dashboard",
            _ when commandLine.StartsWith("dotnet run ", StringComparison.Ordinal) || commandLine.Contains("/dotnet run ", StringComparison.Ordinal) => "dotnet_run_wrappers",
            _ when commandLine.Contains("HybridStreaming.AppHost", StringComparison.Ordinal) => "apphost",
            _ when commandLine.Contains("HybridStreaming.", StringComparison.Ordinal) => "services_and_emulators",
            _ => "other_" + process.Command,
        };
    }

    /// <summary>A field of <c>/proc/PID/smaps_rollup</c> (<c>Rss:</c>, <c>Pss:</c>) in KiB; 0 for a process that has gone.</summary>
    private static long Memory(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
