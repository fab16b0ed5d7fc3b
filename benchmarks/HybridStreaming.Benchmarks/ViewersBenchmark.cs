using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// Viewer presence and playback reads at N simulated viewers of one live channel (issue 10), through
/// the gateway on the whole topology (no media):
/// <list type="bullet">
/// <item>heartbeats as an open loop — every viewer beats every interval, the viewers' start times spread
/// evenly — each latency from the beat's due time, so queueing in the client counts too;</item>
/// <item>wrk reading the playback endpoint while the heartbeats go on, against a bare Kestrel endpoint
/// answering the same bytes in this process under the same load, so the gateway's figure is a share
/// of what this machine can serve at all;</item>
/// <item>the CPU of the load generators themselves (wrk, this process) and of the topology by
/// resource: on two cores a saturated load generator, not the server, sets the rate.</item>
/// </list>
/// </summary>
public static class ViewersBenchmark
{
    private const double HeartbeatP99TargetMilliseconds = 25;
    private const double PlaybackShareTargetPercent = 40;

    /// <summary>Guest tokens requested at once while setting up (not measured).</summary>
    private const int GuestTokenConcurrency = 32;

    /// <summary>The same command for the gateway and the bare endpoint (issue 10: <c>wrk -t1 -c256 -d10s --latency</c>).</summary>
    private static readonly WrkSettings Reads = new(Threads: 1, Connections: 256, Seconds: 10);

    /// <summary>
    /// The same load first, discarded: the figure is of code already compiled to its final tier. Ten
    /// seconds: after three, the gateway was still at a third to a half of its steady rate (tiered
    /// compilation of the read path; tiered PGO is off, decision 0006).
    /// </summary>
    private static readonly WrkSettings ReadsWarmUp = Reads with { Seconds = 10 };

    /// <summary>The playback answer <c>--bare-only</c> serves: the shape and size of the gateway's.</summary>
    private static readonly byte[] SamplePlayback =
        """{"sessionId":"0b5c8a6e-2f0e-4c55-9a43-3c1f9a1d7e21","mode":"hybrid","hlsUrl":"http://127.0.0.1:41234/6f1d0c3b5e8a4a7c9d2e1f0a3b4c5d6e/manifest/video.m3u8"}"""u8.ToArray();

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        if (options.Flag("bare-only"))
        {
            await MeasureBareAsync($"/api/channels/{Guid.NewGuid()}/playback", SamplePlayback, "application/json; charset=utf-8", "Bearer bench-token");
            return 0;
        }

        var viewers = options.Int("viewers", 5000);
        var interval = TimeSpan.FromSeconds(options.Int("interval", 10));
        var measured = TimeSpan.FromSeconds(options.Int("seconds", 60));

        await using var system = await GoLiveBenchmark.StartAsync(media: false);
        var (sellerToken, channel) = await system.PrepareAsync();
        await system.Gateway.GoLiveAsync(sellerToken, channel.Id);
        var status = await system.Gateway.WaitForStatusAsync(sellerToken, channel.Id, s => s.State is "live" or "ended" or "failed", TimeSpan.FromMinutes(1), "live");
        if (status.State != "live")
        {
            throw new InvalidOperationException($"The channel did not go live: {status.State} ({status.Reason}).");
        }

        Console.WriteLine($"channel {channel.Id} is live ({status.Mode})");

        using var client = LoadClient(system.App.GetEndpoint(KnownResources.Gateway));
        var started = Stopwatch.GetTimestamp();
        var tokens = await GuestTokensAsync(client, viewers);
        Console.WriteLine($"{viewers} guest tokens issued in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({GuestTokenConcurrency} at a time)");

        // 1. Heartbeats: a warm-up of one interval (every viewer has beaten once, so all are present),
        // then the measured window.
        // Stopped before the topology if anything below fails, so nothing keeps beating at a stopping gateway.
        await using var heartbeats = new HeartbeatLoad(client, channel.Id, tokens, interval);
        Console.WriteLine($"heartbeats: {viewers} viewers every {interval.TotalSeconds:0} s ({heartbeats.Rate:0} /s offered); warm-up {interval.TotalSeconds:0} s, measured {measured.TotalSeconds:0} s");
        await heartbeats.UntilAsync(interval);
        var ownBefore = OwnCpu();
        var machineBefore = ProcessCpu.MachineJiffies();
        var topologyBefore = system.Cpu();
        await heartbeats.UntilAsync(interval + measured);
        var ownCpu = OwnCpu() - ownBefore;
        var machine = MachineSince(machineBefore);
        var topologyCpu = ProcessCpu.Used(topologyBefore, system.Cpu());
        var beats = await heartbeats.WindowAsync(interval, interval + measured);
        var heartbeatP99 = PrintHeartbeats("heartbeat", beats, heartbeats.Timestamp(interval), measured);
        var heartbeatErrors = beats.Count(b => b.Status != 200);
        Figures.Print("bench_process_cpu", 100 * ownCpu.TotalSeconds / measured.TotalSeconds, "% of a core");
        PrintTopologyCpu("during_heartbeats", topologyCpu, measured);
        Figures.Print("machine_cpu_during_heartbeats", machine, "% of the machine");
        await PrintViewersAsync(system.Gateway, sellerToken, channel.Id);

        // 2. Playback reads through the gateway while the heartbeats go on.
        var playbackPath = $"/api/channels/{channel.Id}/playback";
        var (body, contentType) = await PlaybackAsync(client, playbackPath, tokens[0]);
        var gatewayUrl = new Uri(system.App.GetEndpoint(KnownResources.Gateway), playbackPath);
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + tokens[0] };
        Console.WriteLine($"playback through the gateway: {Wrk.Command(gatewayUrl, Reads)} (Authorization: a guest token), {body.Length} bytes of {contentType}");
        await Wrk.RunAsync(gatewayUrl, ReadsWarmUp, headers);
        machineBefore = ProcessCpu.MachineJiffies();
        topologyBefore = system.Cpu();
        var wrkFrom = Stopwatch.GetElapsedTime(heartbeats.Started);
        var gateway = await Wrk.RunAsync(gatewayUrl, Reads, headers);
        var wrkTo = Stopwatch.GetElapsedTime(heartbeats.Started);
        topologyCpu = ProcessCpu.Used(topologyBefore, system.Cpu());
        machine = MachineSince(machineBefore);
        PrintWrk("gateway_playback", gateway);
        Figures.Print("wrk_cpu", gateway.CpuPercentOfCore ?? double.NaN, "% of a core");
        WarnIfSaturated("gateway playback", gateway);
        PrintTopologyCpu("during_gateway_playback", topologyCpu, TimeSpan.FromSeconds(Reads.Seconds));
        Figures.Print("machine_cpu_during_gateway_playback", machine, "% of the machine");

        // 3. The same bytes from a bare Kestrel endpoint, the heartbeats still going on.
        var bare = await MeasureBareAsync(playbackPath, body, contentType, "Bearer " + tokens[0]);
        Figures.Print("gateway_to_bare_ratio", 100 * gateway.RequestsPerSecond / bare.RequestsPerSecond, "%");

        await heartbeats.StopAsync();
        var duringReads = await heartbeats.WindowAsync(wrkFrom, wrkTo);
        var readsLatencies = Latencies(duringReads);
        Figures.Print("heartbeat_p99_during_gateway_playback", Figures.Percentile(readsLatencies, 99), "ms");
        Figures.Print("heartbeat_errors_during_gateway_playback", duringReads.Count(b => b.Status != 200), "requests");
        Console.WriteLine($"heartbeats: {heartbeats.Sent} sent in all");

        Target($"heartbeat_p99 <= {HeartbeatP99TargetMilliseconds:0} ms at {viewers} viewers", heartbeatP99 <= HeartbeatP99TargetMilliseconds && heartbeatErrors == 0);
        Target($"gateway_to_bare_ratio >= {PlaybackShareTargetPercent:0} %", gateway.RequestsPerSecond >= bare.RequestsPerSecond * PlaybackShareTargetPercent / 100 && gateway.Errors == 0);

        // Failed requests mean the figures are not of what they name.
        return heartbeatErrors == 0 && gateway.Errors == 0 ? 0 : 1;
    }

    /// <summary>The bare endpoint measured as the gateway is (warm-up, then the same wrk command); prints <c>bare_*</c>.</summary>
    private static async Task<WrkResult> MeasureBareAsync(string path, byte[] body, string contentType, string authorization)
    {
        await using var server = await BareServer.StartAsync(path, body, contentType);
        var headers = new Dictionary<string, string> { ["Authorization"] = authorization };
        Console.WriteLine($"bare Kestrel in this process ({BareServer.GarbageCollector}): {Wrk.Command(server.Url, Reads)}, {body.Length} bytes of {contentType}");
        await Wrk.RunAsync(server.Url, ReadsWarmUp, headers);
        var ownBefore = OwnCpu();
        var machineBefore = ProcessCpu.MachineJiffies();
        var bare = await Wrk.RunAsync(server.Url, Reads, headers);
        var ownCpu = OwnCpu() - ownBefore;
        var machine = MachineSince(machineBefore);
        PrintReport(bare);
        Figures.Print("bare_playback_rps", bare.RequestsPerSecond, "req/s");
        Figures.Print("bare_p50", bare.P50Milliseconds, "ms");
        Figures.Print("bare_p99", bare.P99Milliseconds, "ms");
        Figures.Print("bare_wrk_cpu", bare.CpuPercentOfCore ?? double.NaN, "% of a core");
        Figures.Print("bench_process_cpu_during_bare", 100 * ownCpu.TotalSeconds / Reads.Seconds, "% of a core");
        Figures.Print("machine_cpu_during_bare", machine, "% of the machine");
        if (bare.Errors > 0)
        {
            Console.WriteLine($"bare endpoint: {bare.Non2xxResponses} non-2xx answers, {bare.SocketErrors} socket errors");
        }

        WarnIfSaturated("bare playback", bare);
        return bare;
    }

    /// <summary>
    /// One client for all viewers, as a load generator has: connections kept for the whole run (none
    /// opened mid-window), at most 256 to the gateway — further requests queue in the client, and
    /// that queueing is part of their latency.
    /// </summary>
    private static HttpClient LoadClient(Uri gateway) =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = 256 })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task<string[]> GuestTokensAsync(HttpClient client, int count)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = GuestTokenConcurrency },
            async (i, cancellationToken) =>
            {
                using var response = await client.PostAsJsonAsync("/api/viewers/guest", new { viewerId = "g-" + Guid.NewGuid().ToString("N") }, cancellationToken);
                await GatewayClient.EnsureAsync(response, HttpStatusCode.OK);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                tokens[i] = body.RootElement.GetProperty("accessToken").GetString()!;
            });
        return tokens;
    }

    /// <summary>The gateway's playback answer, whose bytes and content type the bare endpoint serves.</summary>
    private static async Task<(byte[] Body, string ContentType)> PlaybackAsync(HttpClient client, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        await GatewayClient.EnsureAsync(response, HttpStatusCode.OK);
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString() ?? "application/json");
    }

    private static async Task PrintViewersAsync(GatewayClient gateway, string sellerToken, Guid channelId)
    {
        using var response = await gateway.SendAsync(HttpMethod.Get, $"/api/channels/{channelId}/viewers", sellerToken);
        await GatewayClient.EnsureAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var viewers = body.RootElement;
        Figures.Print("viewers_current", viewers.GetProperty("current").GetDouble(), "viewers");
        Figures.Print("viewers_peak", viewers.GetProperty("peak").GetDouble(), "viewers");
        Console.WriteLine($"viewers: {viewers}");
    }

    /// <summary>Prints a window's heartbeat figures; returns its p99 (ms).</summary>
    private static double PrintHeartbeats(string name, IReadOnlyList<Beat> beats, long windowStart, TimeSpan window)
    {
        var latencies = Latencies(beats);
        var answered = beats.Where(b => b.Status == 200).ToList();
        // Achieved: the 200s of the beats due in the window, over the time until the last of them was answered.
        var until = answered.Count > 0 ? Math.Max(window.TotalSeconds, Stopwatch.GetElapsedTime(windowStart, answered.Max(b => b.Answered)).TotalSeconds) : window.TotalSeconds;
        var p99 = Figures.Percentile(latencies, 99);
        Figures.Print($"{name}_rate", answered.Count / until, "req/s");
        Figures.Print($"{name}_p50", Figures.Percentile(latencies, 50), "ms");
        Figures.Print($"{name}_p99", p99, "ms");
        Figures.Print($"{name}_max", latencies.Count > 0 ? latencies[^1] : double.NaN, "ms");
        Figures.Print($"{name}_errors", beats.Count(b => b.Status != 200), "requests");
        var failures = beats.Where(b => b.Status != 200).GroupBy(b => b.Status).Select(g => $"{(g.Key == 0 ? "no answer" : g.Key.ToString(CultureInfo.InvariantCulture))} × {g.Count()}").ToList();
        if (failures.Count > 0)
        {
            Console.WriteLine($"{name} failures: {string.Join(", ", failures)}");
        }

        var uncounted = answered.Count(b => !b.Counted);
        if (uncounted > 0)
        {
            Console.WriteLine($"{name}: {uncounted} answered 200 without \"counted\": true");
        }

        return p99;
    }

    /// <summary>Due time → answer, in ms, sorted; beats that got no HTTP answer at all are left out (they are errors).</summary>
    private static List<double> Latencies(IEnumerable<Beat> beats) =>
        [.. beats.Where(b => b.Status != 0).Select(b => Stopwatch.GetElapsedTime(b.Due, b.Answered).TotalMilliseconds).Order()];

    /// <summary>wrk's report as it printed it, for the record (the script's own wrk-cpu line left out).</summary>
    private static void PrintReport(WrkResult result)
    {
        foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("wrk-cpu:", StringComparison.Ordinal)))
        {
            Console.WriteLine($"  wrk | {line}");
        }
    }

    private static void PrintWrk(string name, WrkResult result)
    {
        PrintReport(result);
        Figures.Print($"{name}_rps", result.RequestsPerSecond, "req/s");
        Figures.Print($"{name}_p50", result.P50Milliseconds, "ms");
        Figures.Print($"{name}_p99", result.P99Milliseconds, "ms");
        if (result.Errors > 0)
        {
            Console.WriteLine($"{name}: {result.Non2xxResponses} non-2xx answers, {result.SocketErrors} socket errors of {result.Requests} requests");
        }
    }

    private static void WarnIfSaturated(string what, WrkResult result)
    {
        if (result.CpuPercentOfCore is null)
        {
            Console.WriteLine($"{what}: wrk's CPU unknown (no wrk-cpu line)");
        }
        else if (result.Saturated)
        {
            Console.WriteLine($"{what}: load generator saturated a core (wrk {result.CpuPercentOfCore:0} % of a core): figure invalid");
        }
    }

    private static void PrintTopologyCpu(string window, IReadOnlyList<(string Resource, double Milliseconds)> cpu, TimeSpan length)
    {
        // ms of CPU over a window of s seconds: ms / (10 × s) % of one core.
        Console.WriteLine($"topology CPU {window.Replace('_', ' ')}, by resource (% of a core): "
            + string.Join(", ", cpu.Where(r => r.Milliseconds > 0).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Resource} {r.Milliseconds / 10 / length.TotalSeconds:0.0}"))));
        Figures.Print($"topology_cpu_{window}", cpu.Sum(r => r.Milliseconds) / 10 / length.TotalSeconds, "% of a core");
    }

    /// <summary>
    /// The whole machine's busy share since <paramref name="before"/>: well above what the load generators
    /// and the servers used means something else ran meanwhile, and the window's figures are not comparable.
    /// </summary>
    private static double MachineSince((long Busy, long Total) before)
    {
        var (busy, total) = ProcessCpu.MachineJiffies();
        return 100.0 * (busy - before.Busy) / Math.Max(1, total - before.Total);
    }

    private static void Target(string what, bool met) => Console.WriteLine($"target {what}: {(met ? "met" : "NOT met")}");

    /// <summary>This process's CPU so far: the heartbeat client, the bare server, and the in-process AppHost (Aspire).</summary>
    private static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>One heartbeat: due and answered (Stopwatch timestamps), HTTP status (0: no answer), and whether it was counted.</summary>
    private readonly record struct Beat(long Due, long Answered, int Status, bool Counted);

    /// <summary>
    /// Open-loop heartbeats: beat j is due at start + j ÷ rate for viewer j mod N (rate = N ÷ interval),
    /// and is sent when due whether or not earlier beats have been answered. A slow gateway meets the
    /// same offered rate, and its queueing shows as latency measured from the due time (a closed loop,
    /// or timing from the actual send, would hide it: coordinated omission).
    /// </summary>
    private sealed class HeartbeatLoad : IAsyncDisposable
    {
        private static readonly byte[] Body = """{"path":"hls"}"""u8.ToArray();

        private readonly HttpClient _client;
        private readonly string _path;
        private readonly string[] _tokens;
        private readonly List<Task<Beat>> _beats = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _dispatcher;

        public HeartbeatLoad(HttpClient client, Guid channelId, string[] tokens, TimeSpan interval)
        {
            _client = client;
            _path = $"/api/channels/{channelId}/viewers/heartbeat";
            _tokens = tokens;
            Rate = tokens.Length / interval.TotalSeconds;
            Started = Stopwatch.GetTimestamp();
            _dispatcher = Task.Run(DispatchAsync);
        }

        /// <summary>Beats per second offered.</summary>
        public double Rate { get; }

        public long Started { get; }

        public int Sent
        {
            get
            {
                lock (_beats)
                {
                    return _beats.Count;
                }
            }
        }

        public long Timestamp(TimeSpan offset) => Started + (long)(offset.TotalSeconds * Stopwatch.Frequency);

        public async Task UntilAsync(TimeSpan offset)
        {
            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Timestamp(offset));
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }
        }

        /// <summary>The beats due in [from, to) after the start, once all are answered (or have failed).</summary>
        public async Task<Beat[]> WindowAsync(TimeSpan from, TimeSpan to)
        {
            var first = (int)Math.Ceiling(from.TotalSeconds * Rate);
            var end = (int)Math.Ceiling(to.TotalSeconds * Rate);
            while (Sent < end && !_dispatcher.IsCompleted)
            {
                await Task.Delay(10);
            }

            Task<Beat>[] window;
            lock (_beats)
            {
                end = Math.Min(end, _beats.Count);
                window = [.. _beats.Skip(first).Take(end - first)];
            }

            return await Task.WhenAll(window);
        }

        /// <summary>Sends no more beats, and waits for those sent to be answered (or to fail).</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _dispatcher;
            Task<Beat>[] all;
            lock (_beats)
            {
                all = [.. _beats];
            }

            await Task.WhenAll(all);
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task DispatchAsync()
        {
            var next = 0L;
            while (!_stop.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                for (var due = Due(next); due <= now; due = Due(++next))
                {
                    var beat = BeatAsync(_tokens[next % _tokens.Length], due);
                    lock (_beats)
                    {
                        _beats.Add(beat);
                    }
                }

                // About a millisecond on Linux: beats due meanwhile go out together, late by at most that.
                await Task.Delay(1);
            }
        }

        private long Due(long beat) => Started + (long)(beat / Rate * Stopwatch.Frequency);

        private async Task<Beat> BeatAsync(string token, long due)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, _path)
                {
                    Content = new ByteArrayContent(Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await _client.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                var answered = Stopwatch.GetTimestamp();
                var counted = response.StatusCode == HttpStatusCode.OK && Counted(body);
                return new Beat(due, answered, (int)response.StatusCode, counted);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return new Beat(due, Stopwatch.GetTimestamp(), 0, false);
            }
        }

        private static bool Counted(byte[] body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.TryGetProperty("counted", out var counted) && counted.ValueKind == JsonValueKind.True;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}
