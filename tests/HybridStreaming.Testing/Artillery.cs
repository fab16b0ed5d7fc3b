using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HybridStreaming.Processes;

namespace HybridStreaming.Testing;

/// <summary>One run of the viewer scenario (<c>tests/load/viewers.js</c>) against a gateway.</summary>
public sealed record ArtilleryRun
{
    /// <summary><c>smoke</c>, <c>load</c> or <c>stress</c> (tests/load/profiles.js).</summary>
    public required string Profile { get; init; }

    public required Uri Gateway { get; init; }

    /// <summary>The live channels the viewers watch, in turn.</summary>
    public required IReadOnlyList<Guid> Channels { get; init; }

    /// <summary>Concurrent viewers at the peak; 0: the profile's own.</summary>
    public int Viewers { get; init; }

    /// <summary>The profile's whole length, its stages stretched or shrunk alike; 0: its own.</summary>
    public int Seconds { get; init; }

    /// <summary>Every viewer sends an <c>X-Forwarded-For</c> address of its own (for a gateway that trusts loopback as its proxy).</summary>
    public bool ForwardedFor { get; init; }

    /// <summary>The loopback address the viewers connect from, e.g. <c>127.0.0.3</c>; null: the default.</summary>
    public string? LocalAddress { get; init; }

    /// <summary>Where Artillery writes its JSON report (<c>--output</c>).</summary>
    public required string ReportPath { get; init; }

    /// <summary>Where Artillery's console output goes.</summary>
    public required string LogPath { get; init; }
}

/// <summary>
/// Artillery (pinned in <c>tests/load/package.json</c>) run as a child process, its CPU sampled from
/// /proc every second — the node process and anything under it — so a caller can tell whether the
/// load generator, rather than the platform, set the pace.
/// </summary>
public static class Artillery
{
    /// <summary>A load generator above this share of one core over a 10 s window may be what limits the load: its figures are invalid.</summary>
    public const double SaturatedPercentOfCore = 90;

    public static string LoadDirectory { get; } = Path.Combine(Repository.Root, "tests", "load");

    private static readonly SemaphoreSlim Installing = new(1, 1);

    /// <summary>
    /// <c>npm ci</c> in tests/load when its packages are missing or older than its lock file (test.sh
    /// does the same before the suite). Artillery's Playwright engine would download a browser: not here.
    /// </summary>
    public static async Task EnsureInstalledAsync(CancellationToken cancellationToken = default)
    {
        await Installing.WaitAsync(cancellationToken);
        try
        {
            var installed = Path.Combine(LoadDirectory, "node_modules", ".package-lock.json");
            var lockFile = Path.Combine(LoadDirectory, "package-lock.json");
            if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(lockFile))
            {
                return;
            }

            var start = new ProcessStartInfo("npm") { WorkingDirectory = LoadDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1";
            using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
            var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = npm.StandardError.ReadToEndAsync(cancellationToken);
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {LoadDirectory} failed ({npm.ExitCode}):{Environment.NewLine}{await output}{await error}");
            }
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>Runs the scenario to its end (the profile's length and the last viewers leaving) and reads its report.</summary>
    public static async Task<ArtilleryResult> RunAsync(ArtilleryRun run, CancellationToken cancellationToken = default)
    {
        await EnsureInstalledAsync(cancellationToken);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(run.ReportPath))!);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(run.LogPath))!);
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = LoadDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            Path.Combine("node_modules", "artillery", "bin", "run"), "run",
            "--environment", run.Profile,
            "--target", run.Gateway.GetLeftPart(UriPartial.Authority),
            "--output", Path.GetFullPath(run.ReportPath),
            "viewers.js",
        })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ARTILLERY_DISABLE_TELEMETRY"] = "true";
        start.Environment["LOAD_CHANNELS"] = string.Join(',', run.Channels);
        start.Environment["LOAD_VIEWERS"] = run.Viewers.ToString(CultureInfo.InvariantCulture);
        start.Environment["LOAD_SECONDS"] = run.Seconds.ToString(CultureInfo.InvariantCulture);
        start.Environment["LOAD_FORWARDED_FOR"] = run.ForwardedFor ? "1" : "0";
        start.Environment["LOAD_LOCAL_ADDRESS"] = run.LocalAddress ?? "";

        var log = new StringBuilder();
        var samples = new List<CpuSample>();
        var started = DateTimeOffset.UtcNow;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        try
        {
            var output = CopyAsync(process.StandardOutput, log);
            var error = CopyAsync(process.StandardError, log);
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = SampleAsync(process.Id, samples, sampling.Token);
            await process.WaitForExitAsync(cancellationToken);
            await sampling.CancelAsync();
            await sampler;
            await Task.WhenAll(output, error);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var ended = DateTimeOffset.UtcNow;
        await File.WriteAllTextAsync(run.LogPath, log.ToString(), CancellationToken.None);
        if (!File.Exists(run.ReportPath))
        {
            throw new InvalidOperationException($"Artillery exited with {process.ExitCode} and wrote no report:{Environment.NewLine}{Tail(log.ToString(), 40)}");
        }

        using var stream = File.OpenRead(run.ReportPath);
        var report = await JsonDocument.ParseAsync(stream, cancellationToken: CancellationToken.None);
        return new ArtilleryResult(process.ExitCode, log.ToString(), report, samples, started, ended);
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder log)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    /// <summary>Artillery's CPU so far (utime + stime of the node process and its descendants, in USER_HZ ticks) every second.</summary>
    private static async Task SampleAsync(int pid, List<CpuSample> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var seen = new Dictionary<int, long>();
        try
        {
            do
            {
                foreach (var child in (int[])[pid, .. ProcessTree.Descendants(pid).Select(p => p.Pid)])
                {
                    if (Jiffies(child) is { } used)
                    {
                        seen[child] = used;
                    }
                }

                // Processes that have ended keep their last reading, so the sum never goes back.
                samples.Add(new CpuSample(DateTimeOffset.UtcNow, seen.Values.Sum()));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long? Jiffies(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    internal static string Tail(string text, int lines) =>
        string.Join(Environment.NewLine, text.Split('\n').TakeLast(lines));
}

/// <summary>Artillery's CPU time so far (USER_HZ ticks) at a moment.</summary>
public readonly record struct CpuSample(DateTimeOffset At, long Jiffies);

/// <summary>A latency summary of Artillery's report (ms).</summary>
public sealed record LatencySummary(long Count, double P50, double P95, double P99, double Max);

/// <summary>What a run left: Artillery's exit code, console output and JSON report, and its CPU over time.</summary>
public sealed class ArtilleryResult(int exitCode, string output, JsonDocument report, IReadOnlyList<CpuSample> cpu, DateTimeOffset started, DateTimeOffset ended)
{
    private const double TicksPerSecond = 100.0;

    /// <summary>Artillery's own verdict: non-zero when an <c>ensure</c> check failed (or it crashed).</summary>
    public int ExitCode => exitCode;

    public string Output => output;

    public JsonDocument Report => report;

    public DateTimeOffset Started => started;

    public DateTimeOffset Ended => ended;

    public IReadOnlyList<CpuSample> Cpu => cpu;

    public JsonElement Aggregate => report.RootElement.GetProperty("aggregate");

    /// <summary>The report's periods (10 s each), oldest first.</summary>
    public IReadOnlyList<JsonElement> Periods =>
        [.. report.RootElement.GetProperty("intermediate").EnumerateArray().OrderBy(PeriodStart)];

    public long Counter(string name) => Counter(Aggregate, name);

    public static long Counter(JsonElement metrics, string name) =>
        metrics.TryGetProperty("counters", out var counters) && counters.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    /// <summary>Counters whose names start with <paramref name="prefix"/>, by the rest of the name.</summary>
    public IReadOnlyDictionary<string, long> Counters(string prefix) =>
        Aggregate.GetProperty("counters").EnumerateObject()
            .Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(c => c.Name[prefix.Length..], c => c.Value.GetInt64());

    public LatencySummary? Summary(string name) => Summary(Aggregate, name);

    public static LatencySummary? Summary(JsonElement metrics, string name) =>
        metrics.TryGetProperty("summaries", out var summaries) && summaries.TryGetProperty(name, out var s)
            ? new LatencySummary(s.GetProperty("count").GetInt64(), s.GetProperty("p50").GetDouble(), s.GetProperty("p95").GetDouble(), s.GetProperty("p99").GetDouble(), s.GetProperty("max").GetDouble())
            : null;

    public static DateTimeOffset PeriodStart(JsonElement period) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(period.GetProperty("period").ToString(), CultureInfo.InvariantCulture));

    /// <summary>Artillery's CPU over its whole run (% of one core).</summary>
    public double AverageCpuPercentOfCore =>
        cpu.Count < 2 ? double.NaN : PercentOfCore(cpu[0], cpu[^1]);

    /// <summary>Artillery's CPU over its busiest window of <paramref name="window"/> (% of one core), from the 1 s samples.</summary>
    public double MaxCpuPercentOfCore(TimeSpan window)
    {
        var max = double.NaN;
        for (int from = 0, to = 0; from < cpu.Count; from++)
        {
            while (to < cpu.Count && cpu[to].At - cpu[from].At < window)
            {
                to++;
            }

            if (to == cpu.Count)
            {
                // The last window is shorter than asked: take it only if the run was shorter than a window.
                if (double.IsNaN(max) && cpu.Count > 1)
                {
                    max = PercentOfCore(cpu[from], cpu[^1]);
                }

                break;
            }

            var percent = PercentOfCore(cpu[from], cpu[to]);
            max = double.IsNaN(max) ? percent : Math.Max(max, percent);
        }

        return max;
    }

    /// <summary>Artillery's CPU between two moments (% of one core), from the samples nearest to them.</summary>
    public double CpuPercentOfCore(DateTimeOffset from, DateTimeOffset to)
    {
        var first = cpu.Where(s => s.At >= from).DefaultIfEmpty(cpu.Count > 0 ? cpu[^1] : default).First();
        var last = cpu.Where(s => s.At <= to).DefaultIfEmpty(cpu.Count > 0 ? cpu[0] : default).Last();
        return last.At > first.At ? PercentOfCore(first, last) : double.NaN;
    }

    private static double PercentOfCore(CpuSample from, CpuSample to) =>
        100 * (to.Jiffies - from.Jiffies) / TicksPerSecond / (to.At - from.At).TotalSeconds;
}
