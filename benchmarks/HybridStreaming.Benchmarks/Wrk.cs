using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace HybridStreaming.Benchmarks;

/// <summary>How <see cref="Wrk"/> loads a server: its threads, the connections they keep open, and for how long.</summary>
public sealed record WrkSettings(int Threads = 1, int Connections = 256, int Seconds = 10);

/// <summary>
/// What one wrk run printed, parsed (latencies in milliseconds), with wrk's own CPU as a share of one
/// core: a closed-loop load generator on the same two cores as the server can be what limits the rate,
/// and a figure is only the server's while wrk has CPU to spare.
/// </summary>
public sealed record WrkResult(
    double RequestsPerSecond,
    double P50Milliseconds,
    double P99Milliseconds,
    long Requests,
    long Non2xxResponses,
    long SocketErrors,
    double? CpuPercentOfCore,
    string Output)
{
    /// <summary>wrk's threads used (nearly) all of their core, so they may have set the rate rather than the server.</summary>
    public bool Saturated => CpuPercentOfCore is { } cpu && cpu > Wrk.SaturatedPercentOfCore * Math.Max(1, Threads);

    /// <summary>Threads of the run (for <see cref="Saturated"/>); set by <see cref="Wrk.RunAsync"/>.</summary>
    public int Threads { get; init; } = 1;

    public long Errors => Non2xxResponses + SocketErrors;
}

/// <summary>
/// Runs wrk (Debian's <c>wrk</c>, installed by <c>eng/install-prerequisites.sh</c>) against one URL and
/// parses its report. Headers go through a generated Lua script, whose <c>done()</c> also reads wrk's
/// own utime + stime from <c>/proc/self/stat</c> after its load threads have stopped: exact, where
/// sampling <c>/proc/&lt;pid&gt;</c> from outside would miss the end of the run (the process is reaped
/// as soon as it exits).
/// </summary>
public static partial class Wrk
{
    /// <summary>Above this share of a core per thread wrk itself is the bottleneck: the figure is not the server's.</summary>
    public const double SaturatedPercentOfCore = 90;

    public static async Task<WrkResult> RunAsync(Uri url, WrkSettings settings, IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        var script = Path.Combine(Path.GetTempPath(), $"hybridstreaming-wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, Script(headers ?? new Dictionary<string, string>()), cancellationToken);
        try
        {
            var start = new ProcessStartInfo("wrk")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in Arguments(url, settings, script))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = StartProcess(start);
            // wrk ends by itself after -d; a hung one is ended so the benchmark still stops.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(settings.Seconds + 60));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                throw;
            }

            var text = await output;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {await error}{text}");
            }

            return Parse(text) with { Threads = settings.Threads };
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The command as a person would type it (the script's path included).</summary>
    public static string Command(Uri url, WrkSettings settings) =>
        "wrk " + string.Join(' ', Arguments(url, settings, "<script.lua>"));

    private static string[] Arguments(Uri url, WrkSettings settings, string script) =>
    [
        $"-t{settings.Threads}", $"-c{settings.Connections}", $"-d{settings.Seconds}s", "--latency", "-s", script, url.ToString(),
    ];

    private static Process StartProcess(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("wrk did not start.");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException("wrk is not installed: run ./eng/install-prerequisites.sh (Debian package wrk).", exception);
        }
    }

    /// <summary>The Lua script: the headers for every request, and wrk's CPU printed after the run.</summary>
    public static string Script(IReadOnlyDictionary<string, string> headers)
    {
        var script = new StringBuilder("-- Generated by HybridStreaming.Benchmarks (Wrk.cs).\n");
        foreach (var (name, value) in headers)
        {
            script.Append(CultureInfo.InvariantCulture, $"wrk.headers[{LuaString(name)}] = {LuaString(value)}\n");
        }

        // Called once, after the load threads have joined. In /proc/self/stat, after the command's
        // closing parenthesis, field 1 is the state, 12 utime and 13 stime (USER_HZ ticks, all threads).
        script.Append("""
            function done(summary, latency, requests)
              local file = io.open("/proc/self/stat", "r")
              if file == nil then return end
              local stat = file:read("*a")
              file:close()
              local fields = {}
              for field in stat:match("%) (.*)"):gmatch("%S+") do fields[#fields + 1] = field end
              io.write(string.format("wrk-cpu: %d %d\n", tonumber(fields[12]) + tonumber(fields[13]), summary.duration))
            end

            """);
        return script.ToString();
    }

    /// <summary>Parses wrk 4's report (<c>--latency</c>) and the <c>wrk-cpu</c> line of the generated script.</summary>
    public static WrkResult Parse(string output)
    {
        var rate = RequestsPerSecondLine().Match(output);
        var requests = RequestsLine().Match(output);
        var percentiles = PercentileLine().Matches(output)
            .ToDictionary(m => m.Groups[1].Value, m => Milliseconds(m.Groups[2].Value, m.Groups[3].Value));
        if (!rate.Success || !requests.Success || !percentiles.ContainsKey("50") || !percentiles.ContainsKey("99"))
        {
            throw new FormatException($"Unexpected wrk output (run with --latency?):{Environment.NewLine}{output}");
        }

        var non2xx = Non2xxLine().Match(output);
        var socket = SocketErrorsLine().Match(output);
        var cpu = CpuLine().Match(output);
        return new WrkResult(
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            percentiles["50"],
            percentiles["99"],
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socket.Success ? Enumerable.Range(1, 4).Sum(g => long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture)) : 0,
            cpu.Success
                ? 100.0 * long.Parse(cpu.Groups[1].Value, CultureInfo.InvariantCulture) / ProcessCpu.TicksPerSecond
                    / (long.Parse(cpu.Groups[2].Value, CultureInfo.InvariantCulture) / 1e6)
                : null,
            output);
    }

    private static double Milliseconds(string value, string unit) =>
        double.Parse(value, CultureInfo.InvariantCulture) * unit switch
        {
            "us" => 0.001,
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => throw new FormatException($"Unknown wrk time unit '{unit}'."),
        };

    private static string LuaString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^Requests/sec:\s+([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecondLine();

    [GeneratedRegex(@"^\s*([0-9]+) requests in ", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^\s*(50|99)%\s+([0-9.]+)(us|ms|s|m|h)\s*$", RegexOptions.Multiline)]
    private static partial Regex PercentileLine();

    [GeneratedRegex(@"^\s*Non-2xx or 3xx responses:\s+([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"^\s*Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex SocketErrorsLine();

    [GeneratedRegex(@"^wrk-cpu: ([0-9]+) ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex CpuLine();
}
