using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Aspire.Hosting;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// Viewer load and stress with Artillery (<c>tests/load/viewers.js</c>, the seed plan's phase 7 §3):
/// the whole topology with media, a few sellers live with the Agora emulator's synthetic streams, and
/// viewers who behave like the watch page (guest token, playback, HLS from the Cloudflare Stream
/// emulator, heartbeats). The gateway keeps its production limits and trusts loopback as its proxy
/// (<c>GATEWAY_KNOWN_PROXIES=127.0.0.1</c>); every viewer sends an <c>X-Forwarded-For</c> address of its
/// own, so the per-address limits meet one buyer per address as behind a real load balancer.
/// <list type="bullet">
/// <item><c>load</c>: thresholds API p95 &lt; 500 ms, HLS playlist p95 &lt; 500 ms (the emulator's),
/// errors &lt; 1 %; exit 1 when one fails.</item>
/// <item><c>stress</c>: the same shape to 500 (or <c>--viewers</c>); reports where a threshold is first
/// crossed and what saturates, and checks graceful degradation (exit 1 when it is not graceful).</item>
/// </list>
/// Either run is INVALID (exit 1) when Artillery itself used more than 90 % of a core over 10 s.
/// </summary>
public static class LoadBenchmark
{
    private const double LatencyThresholdMilliseconds = 500;
    private const double ErrorRateThresholdPercent = 1;
    private static readonly TimeSpan CpuWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryWindow = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string profile, BenchmarkOptions options)
    {
        var viewers = options.Int("viewers", 0);
        var seconds = options.Int("seconds", 0);
        var channelCount = Math.Max(1, options.Int("channels", 3));
        // --one-address: every viewer from 127.0.0.1, as without a trusted proxy (the per-address limits
        // then meet all viewers as one client: what the X-Forwarded-For addresses avoid).
        var oneAddress = options.Flag("one-address");
        // --segment-seconds: the Cloudflare emulator's live HLS segment length (1 s by default). Every viewer
        // fetches a playlist and a segment per segment length, so with 1 s segments 500 viewers are 1,000
        // HLS requests a second: more than one Artillery process can send on these two cores. Longer
        // segments (real live HLS uses 2–6 s) leave the API load — what the product serves — as it was.
        var segmentSeconds = options.Int("segment-seconds", 1);

        await using var system = await StartAsync(segmentSeconds);
        var gateway = system.App.GetEndpoint(KnownResources.Gateway);
        var sellers = await GoLiveWithMediaAsync(system, channelCount);
        Console.WriteLine($"{sellers.Count} channels live with media: {string.Join(", ", sellers.Select(s => s.ChannelId))}");

        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var artifacts = Path.Combine(Repository.Root, "artifacts", "benchmarks");
        var name = $"{profile}-{stamp}";
        var run = new ArtilleryRun
        {
            Profile = profile,
            Gateway = gateway,
            Channels = [.. sellers.Select(s => s.ChannelId)],
            Viewers = viewers,
            Seconds = seconds,
            ForwardedFor = !oneAddress,
            ReportPath = Path.Combine(artifacts, name + ".json"),
            LogPath = Path.Combine(artifacts, name + ".log"),
        };
        Console.WriteLine($"artillery {profile}: peak {(viewers > 0 ? viewers : Default(profile))} viewers{(seconds > 0 ? $" over {seconds} s" : "")}, {(oneAddress ? "all from one address" : "each from an X-Forwarded-For address of its own")}, report {Relative(run.ReportPath)}, console {Relative(run.LogPath)}");

        // The topology's CPU by resource every 10 s, and the machine's, while Artillery runs.
        var topology = new List<(DateTimeOffset At, Dictionary<(string Resource, int Pid), long> Cpu, (long Busy, long Total) Machine)>();
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleTopologyAsync(system, topology, stopSampling.Token);
        ArtilleryResult result;
        try
        {
            result = await Artillery.RunAsync(run);
        }
        finally
        {
            await stopSampling.CancelAsync();
            await sampler;
        }

        var loadEnded = DateTimeOffset.UtcNow;
        Console.WriteLine($"artillery exited with {result.ExitCode} after {(result.Ended - result.Started).TotalSeconds:0} s");

        // Graceful degradation, part 2: latency back to normal within 30 s of the load's end.
        var recovery = await ProbeRecoveryAsync(gateway, sellers[0].ChannelId, loadEnded);

        var failed = false;
        PrintPhases(result);
        var (api, hls, errorRate) = PrintTotals(result);
        await PrintViewersAsync(system.Gateway, sellers, result);
        var invalid = PrintLoadGeneratorCpu(result);
        PrintTopologyCpu(topology);
        PrintFirstCrossing(result, topology);

        failed |= !Target($"api_p95 < {LatencyThresholdMilliseconds:0} ms", api is not null && api.P95 < LatencyThresholdMilliseconds, profile == "load");
        failed |= !Target($"hls_emulator_playlist_p95 < {LatencyThresholdMilliseconds:0} ms (the emulator's)", hls is not null && hls.P95 < LatencyThresholdMilliseconds, profile == "load");
        failed |= !Target($"error_rate < {ErrorRateThresholdPercent:0} %", errorRate < ErrorRateThresholdPercent, profile == "load");
        Console.WriteLine($"artillery ensure (the same thresholds, Artillery's own figures): {(result.ExitCode == 0 ? "passed" : "FAILED")}");

        // Graceful degradation, part 1: what clients past capacity got, and the sessions.
        var stillLive = await SessionsStillLiveAsync(system.Gateway, sellers);
        var graceful = PrintDegradation(result, stillLive, sellers.Count, recovery);
        if (profile == "stress")
        {
            failed |= !graceful;
        }

        if (invalid)
        {
            Console.WriteLine("INVALID: the load generator saturated a core; the figures are Artillery's limit, not the platform's.");
        }

        await StopAsync(system.Gateway, sellers);
        return failed || invalid ? 1 : 0;
    }

    private static int Default(string profile) => profile == "stress" ? 500 : 200;

    /// <summary>The whole topology with media and the gateway's production limits, trusting loopback as its proxy.</summary>
    private static async Task<GoLiveBenchmark.BenchSystem> StartAsync(int segmentSeconds)
    {
        Console.WriteLine($"live HLS segments of {segmentSeconds} s at the Cloudflare emulator");
        var app = await TestTopology.StartAsync(new TestTopologyOptions
        {
            Configuration = new Dictionary<string, string> { ["EMULATOR_MEDIA"] = "on" },
            Configure = builder =>
            {
                builder.Project(KnownResources.Gateway).WithEnvironment("GATEWAY_KNOWN_PROXIES", "127.0.0.1");
                builder.Project(KnownResources.CloudflareEmulator)
                    .WithEnvironment("CLOUDFLARE_EMULATOR_HLS_SEGMENT_SECONDS", segmentSeconds.ToString(CultureInfo.InvariantCulture));
            },
        });
        return new GoLiveBenchmark.BenchSystem(app);
    }

    private sealed record Seller(string Token, Guid ChannelId, Guid SessionId);

    /// <summary>Sellers live with the emulator's synthetic media, each channel's playlist already listing segments.</summary>
    private static async Task<IReadOnlyList<Seller>> GoLiveWithMediaAsync(GoLiveBenchmark.BenchSystem system, int count)
    {
        using var cdn = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var (token, channel) = await system.PrepareAsync();
            await system.Gateway.GoLiveAsync(token, channel.Id);
            var live = await system.Gateway.WaitForStatusAsync(token, channel.Id, s => s.State is "live" or "ended" or "failed", TimeSpan.FromMinutes(2), "live");
            if (live.State != "live" || live.HlsPlaybackUrl is null)
            {
                throw new InvalidOperationException($"Channel {channel.Id} is {live.State} ({live.Mode}, {live.Reason}), not live with HLS.");
            }

            var deadline = Stopwatch.StartNew();
            while (true)
            {
                using var response = await cdn.GetAsync(live.HlsPlaybackUrl);
                var text = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
                if (text.Split('\n').Count(l => l.Trim() is { Length: > 0 } line && !line.StartsWith('#')) >= 3)
                {
                    break;
                }

                if (deadline.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new TimeoutException($"Channel {channel.Id}'s playlist has no 3 segments after a minute.");
                }

                await Task.Delay(250);
            }

            return new Seller(token, channel.Id, live.SessionId!.Value);
        }));
    }

    private static async Task SampleTopologyAsync(
        GoLiveBenchmark.BenchSystem system,
        List<(DateTimeOffset, Dictionary<(string, int), long>, (long, long))> samples,
        CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(CpuWindow);
        try
        {
            do
            {
                samples.Add((DateTimeOffset.UtcNow, system.Cpu(), ProcessCpu.MachineJiffies()));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            samples.Add((DateTimeOffset.UtcNow, system.Cpu(), ProcessCpu.MachineJiffies()));
        }
    }

    /// <summary>Per stage of the profile: API and HLS (emulator) latency, and errors.</summary>
    private static void PrintPhases(ArtilleryResult result)
    {
        // The profiles have at most a handful of stages; a stage without requests prints nothing.
        for (var phase = 1; phase <= 20; phase++)
        {
            var api = result.Summary($"phase.{phase}.api.response_time");
            var hls = result.Summary($"phase.{phase}.hls_emulator.playlist.response_time");
            var requests = result.Counter($"phase.{phase}.api.requests") + result.Counter($"phase.{phase}.hls_emulator.requests");
            if (api is null && hls is null && requests == 0)
            {
                continue;
            }

            PrintLatency($"phase{phase}_api", api);
            PrintLatency($"phase{phase}_hls_emulator_playlist", hls);
            var errors = result.Counter($"phase.{phase}.api.errors") + result.Counter($"phase.{phase}.hls_emulator.errors");
            Figures.Print($"phase{phase}_error_rate", requests == 0 ? 0 : 100.0 * errors / requests, $"% ({errors} of {requests} requests)");
        }
    }

    private static void PrintLatency(string name, LatencySummary? summary)
    {
        if (summary is null)
        {
            Console.WriteLine($"{name}: no requests");
            return;
        }

        Figures.Print($"{name}_p50", summary.P50, "ms");
        Figures.Print($"{name}_p95", summary.P95, "ms");
        Figures.Print($"{name}_p99", summary.P99, "ms");
    }

    private static (LatencySummary? Api, LatencySummary? Hls, double ErrorRate) PrintTotals(ArtilleryResult result)
    {
        var api = result.Summary("api.response_time");
        var hls = result.Summary("hls_emulator.playlist.response_time");
        PrintLatency("api", api);
        foreach (var endpoint in new[] { "guest", "playback", "heartbeat", "status" })
        {
            if (result.Summary($"api.{endpoint}.response_time") is { } s)
            {
                Figures.Print($"api_{endpoint}_p95", s.P95, $"ms ({s.Count} requests)");
            }
        }

        PrintLatency("hls_emulator_playlist", hls);
        if (result.Summary("hls_emulator.segment.response_time") is { } segments)
        {
            Figures.Print("hls_emulator_segment_p95", segments.P95, $"ms ({segments.Count} segments)");
        }

        var requests = result.Counter("api.requests") + result.Counter("hls_emulator.requests");
        var network = result.Counter("load.network_errors");
        var errors = result.Counter("api.errors") + result.Counter("hls_emulator.errors") + network;
        var rate = requests + network == 0 ? 100 : 100.0 * errors / (requests + network);
        Figures.Print("error_rate", rate, $"% ({errors} of {requests + network} requests)");
        Figures.Print("api_requests", result.Counter("api.requests"), "requests");
        Figures.Print("hls_emulator_requests", result.Counter("hls_emulator.requests"), "requests");
        foreach (var (code, count) in result.Counters("api.codes.").OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Figures.Print($"api_status_{code}", count, "responses");
        }

        foreach (var (code, count) in result.Counters("hls_emulator.codes.").OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Figures.Print($"hls_emulator_status_{code}", count, "responses");
        }

        Figures.Print("network_errors", network, "requests (no answer: refused, reset or timed out)");
        foreach (var (error, count) in result.Counters("errors."))
        {
            Console.WriteLine($"  artillery error {error}: {count}");
        }

        return (api, hls, rate);
    }

    /// <summary>Each report period (10 s) with the most viewers watching in it (the processor's <c>viewers.concurrent</c>).</summary>
    private static List<(DateTimeOffset Start, DateTimeOffset End, long Viewers, JsonElement Period)> Concurrency(ArtilleryResult result) =>
        [.. result.Periods.Select(period =>
        {
            var start = ArtilleryResult.PeriodStart(period);
            return (start, start.AddSeconds(10), (long)(ArtilleryResult.Summary(period, "viewers.concurrent")?.Max ?? 0), period);
        })];

    private static async Task PrintViewersAsync(GatewayClient gateway, IReadOnlyList<Seller> sellers, ArtilleryResult result)
    {
        Figures.Print("viewers_reached", result.Summary("viewers.concurrent")?.Max ?? 0, "concurrent viewers (most watching at once, as Artillery's viewers counted themselves)");
        Figures.Print("viewers_arrived", result.Counter("viewers.arrived"), "viewers");
        Figures.Print("viewers_playing", result.Counter("viewers.playing"), "viewers (loaded a segment)");
        Figures.Print("viewers_left_stream_ended", result.Counter("viewers.left.ended"), "viewers");
        Figures.Print("viewers_failed", result.Counter("viewers.left.failed"), "viewers (ended by a request without answer)");
        Figures.Print("heartbeats_counted", result.Counter("heartbeats.counted"), "heartbeats");
        Figures.Print("heartbeats_not_counted", result.Counter("heartbeats.not_counted"), "heartbeats");
        var peak = 0;
        foreach (var seller in sellers)
        {
            peak += (await gateway.ViewersAsync(seller.Token, seller.ChannelId)).Peak;
        }

        Figures.Print("viewers_peak_counted_by_platform", peak, $"viewers (sum of the {sellers.Count} channels' peaks)");
    }

    /// <summary>Artillery's own CPU; true when it saturated a core (the run is invalid).</summary>
    private static bool PrintLoadGeneratorCpu(ArtilleryResult result)
    {
        var max = result.MaxCpuPercentOfCore(CpuWindow);
        Figures.Print("artillery_cpu", result.AverageCpuPercentOfCore, "% of a core (whole run)");
        Figures.Print("artillery_cpu_max_10s", max, "% of a core (busiest 10 s)");
        return max > Artillery.SaturatedPercentOfCore;
    }

    private static void PrintTopologyCpu(List<(DateTimeOffset At, Dictionary<(string Resource, int Pid), long> Cpu, (long Busy, long Total) Machine)> samples)
    {
        if (samples.Count < 2)
        {
            return;
        }

        var seconds = (samples[^1].At - samples[0].At).TotalSeconds;
        var used = ProcessCpu.Used(samples[0].Cpu, samples[^1].Cpu);
        Console.WriteLine("topology CPU over the run by resource (% of a core): "
            + string.Join(", ", used.Where(r => r.Milliseconds > 0).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Resource} {r.Milliseconds / 10 / seconds:0}"))));
        Figures.Print("topology_cpu", used.Sum(r => r.Milliseconds) / 10 / seconds, "% of a core (whole run)");
        var busiest = Windows(samples).OrderByDescending(w => w.Total).First();
        Console.WriteLine($"busiest 10 s ({busiest.From:HH:mm:ss}): "
            + string.Join(", ", busiest.ByResource.Take(5).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Resource} {r.Percent:0}"))));
        Figures.Print("topology_cpu_max_10s", busiest.Total, "% of a core");
        Figures.Print("machine_cpu_max_10s", Windows(samples).Max(w => w.Machine), "% of the machine (2 cores: 100 = both busy)");
    }

    private sealed record CpuWindowFigures(DateTimeOffset From, DateTimeOffset To, double Total, double Machine, IReadOnlyList<(string Resource, double Percent)> ByResource);

    private static IEnumerable<CpuWindowFigures> Windows(List<(DateTimeOffset At, Dictionary<(string Resource, int Pid), long> Cpu, (long Busy, long Total) Machine)> samples)
    {
        for (var i = 1; i < samples.Count; i++)
        {
            var seconds = (samples[i].At - samples[i - 1].At).TotalSeconds;
            var used = ProcessCpu.Used(samples[i - 1].Cpu, samples[i].Cpu);
            var machineTotal = samples[i].Machine.Total - samples[i - 1].Machine.Total;
            var machine = machineTotal == 0 ? 0 : 100.0 * (samples[i].Machine.Busy - samples[i - 1].Machine.Busy) / machineTotal;
            yield return new CpuWindowFigures(
                samples[i - 1].At,
                samples[i].At,
                used.Sum(r => r.Milliseconds) / 10 / seconds,
                machine,
                [.. used.Select(r => (r.Resource, r.Milliseconds / 10 / seconds))]);
        }
    }

    /// <summary>The first report period that crossed a threshold: how many viewers were watching, and what was busiest.</summary>
    private static void PrintFirstCrossing(ArtilleryResult result, List<(DateTimeOffset At, Dictionary<(string Resource, int Pid), long> Cpu, (long Busy, long Total) Machine)> samples)
    {
        foreach (var (start, end, viewers, period) in Concurrency(result))
        {
            var crossed = new List<string>();
            if (ArtilleryResult.Summary(period, "api.response_time") is { P95: > LatencyThresholdMilliseconds } api)
            {
                crossed.Add(string.Create(CultureInfo.InvariantCulture, $"api p95 {api.P95:0} ms"));
            }

            if (ArtilleryResult.Summary(period, "hls_emulator.playlist.response_time") is { P95: > LatencyThresholdMilliseconds } hls)
            {
                crossed.Add(string.Create(CultureInfo.InvariantCulture, $"hls_emulator playlist p95 {hls.P95:0} ms"));
            }

            var requests = ArtilleryResult.Counter(period, "api.requests") + ArtilleryResult.Counter(period, "hls_emulator.requests") + ArtilleryResult.Counter(period, "load.network_errors");
            var errors = ArtilleryResult.Counter(period, "api.errors") + ArtilleryResult.Counter(period, "hls_emulator.errors") + ArtilleryResult.Counter(period, "load.network_errors");
            if (requests > 0 && 100.0 * errors / requests >= ErrorRateThresholdPercent)
            {
                crossed.Add(string.Create(CultureInfo.InvariantCulture, $"errors {100.0 * errors / requests:0.0} %"));
            }

            if (crossed.Count == 0)
            {
                continue;
            }

            Figures.Print("threshold_first_crossed_at", viewers, $"concurrent viewers ({string.Join(", ", crossed)}; period from {start:HH:mm:ss})");
            var window = Windows(samples).Where(w => w.To > start && w.From < end).OrderByDescending(w => w.Total).FirstOrDefault();
            if (window is not null)
            {
                var top = window.ByResource[0];
                var artillery = result.CpuPercentOfCore(window.From, window.To);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"then (10 s from {window.From:HH:mm:ss}): the machine {window.Machine:0} % busy; Artillery {artillery:0} %, busiest {string.Join(", ", window.ByResource.Take(4).Select(r => $"{r.Resource} {r.Percent:0} %"))} of a core"));
                Console.WriteLine("saturated: " + (artillery > Artillery.SaturatedPercentOfCore
                    ? "Artillery (the load generator: its latencies include its own event loop's delay)"
                    : window.Machine >= 95 ? $"the machine's two cores (busiest resource: {top.Resource})"
                    : top.Percent >= 90 ? top.Resource : "no resource over 90 % of a core"));
            }

            return;
        }

        Console.WriteLine("threshold_first_crossed_at: none (no 10 s period crossed a threshold)");
    }

    private static async Task<bool[]> SessionsStillLiveAsync(GatewayClient gateway, IReadOnlyList<Seller> sellers) =>
        await Task.WhenAll(sellers.Select(async s =>
        {
            var status = await gateway.StatusAsync(s.Token, s.ChannelId);
            return status.State == "live" && status.SessionId == s.SessionId;
        }));

    private sealed record Recovery(TimeSpan? After, int Probes, int Failed);

    /// <summary>
    /// Probes the gateway as a viewer from an address of its own (playback and status reads, one every
    /// 100 ms) for 30 s after the load's end, in 5 s windows: the first window whose p95 is under the
    /// threshold with every probe answered 200 is when latency was back to normal.
    /// </summary>
    private static async Task<Recovery> ProbeRecoveryAsync(Uri gateway, Guid channelId, DateTimeOffset loadEnded)
    {
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "10.255.255.254");
        string? token = null;
        var probes = new List<(DateTimeOffset At, double Milliseconds, bool Ok)>();
        while (DateTimeOffset.UtcNow - loadEnded < RecoveryDeadline)
        {
            var started = Stopwatch.GetTimestamp();
            var at = DateTimeOffset.UtcNow;
            var ok = false;
            try
            {
                if (token is null)
                {
                    using var guest = await http.PostAsync("/api/viewers/guest", content: null);
                    ok = guest.IsSuccessStatusCode;
                    token = ok ? JsonDocument.Parse(await guest.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString() : null;
                }
                else
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, probes.Count % 2 == 0 ? $"/api/channels/{channelId}/playback" : $"/api/channels/{channelId}/status");
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    using var response = await http.SendAsync(request);
                    await response.Content.ReadAsByteArrayAsync();
                    ok = response.IsSuccessStatusCode;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                ok = false;
            }

            probes.Add((at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok));
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        TimeSpan? after = null;
        for (var from = TimeSpan.Zero; from + RecoveryWindow <= RecoveryDeadline; from += RecoveryWindow)
        {
            var window = probes.Where(p => p.At - loadEnded >= from && p.At - loadEnded < from + RecoveryWindow).ToList();
            var latencies = window.Select(p => p.Milliseconds).Order().ToList();
            if (window.Count > 0 && window.All(p => p.Ok) && Figures.Percentile(latencies, 95) < LatencyThresholdMilliseconds)
            {
                after = from + RecoveryWindow;
                break;
            }
        }

        return new Recovery(after, probes.Count, probes.Count(p => !p.Ok));
    }

    /// <summary>
    /// Graceful degradation: every request answered — 2xx, or 429/503 with Retry-After, never another
    /// 5xx, never without an answer; every session that was live still live, the same session; latency
    /// back under the threshold within 30 s after the load ends.
    /// </summary>
    private static bool PrintDegradation(ArtilleryResult result, bool[] stillLive, int sessions, Recovery recovery)
    {
        var codes = result.Counters("api.codes.")
            .Concat(result.Counters("hls_emulator.codes."))
            .GroupBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        var refused = codes.GetValueOrDefault(429) + codes.GetValueOrDefault(503);
        var serverErrors = codes.Where(c => c.Key >= 500 && c.Key != 503).Sum(c => c.Value);
        var withoutRetryAfter = result.Counter("api.rejected_without_retry_after");
        var network = result.Counter("load.network_errors");
        Figures.Print("refused_429_503", refused, "responses (past capacity, with Retry-After)");
        Figures.Print("refused_without_retry_after", withoutRetryAfter, "responses");
        Figures.Print("server_errors_500_502_504", serverErrors, "responses (any 5xx but 503)");
        Figures.Print("sessions_still_live", stillLive.Count(l => l), $"of {sessions}");
        Figures.Print("recovery_probes_failed", recovery.Failed, $"of {recovery.Probes} probes");
        if (recovery.After is { } after)
        {
            Figures.Print("latency_back_to_normal_after", after.TotalSeconds, "s after the load ended (first 5 s window with p95 < 500 ms, all 200)");
        }
        else
        {
            Console.WriteLine("latency_back_to_normal_after: not within 30 s");
        }

        var graceful = serverErrors == 0 && withoutRetryAfter == 0 && network == 0 && stillLive.All(l => l) && recovery.After is not null;
        Console.WriteLine($"degrades gracefully: {(graceful ? "yes" : "NO")} (only 2xx or 429/503 with Retry-After, no request unanswered, every session still live, back to normal within 30 s)");
        return graceful;
    }

    /// <summary>Prints a target's verdict; returns whether it was met (always true when it is only reported).</summary>
    private static bool Target(string target, bool met, bool enforced)
    {
        Console.WriteLine($"target {target}: {(met ? "met" : "NOT met")}{(enforced ? "" : " (reported; the stress run checks graceful degradation)")}");
        return met || !enforced;
    }

    private static async Task StopAsync(GatewayClient gateway, IReadOnlyList<Seller> sellers)
    {
        await Task.WhenAll(sellers.Select(s => gateway.StopAsync(s.Token, s.ChannelId)));
        await Task.WhenAll(sellers.Select(s => gateway.WaitForStatusAsync(s.Token, s.ChannelId, st => st.State is "ended" or "failed", TimeSpan.FromMinutes(1), "ended")));
    }

    private static string Relative(string path) => Path.GetRelativePath(Repository.Root, path);
}
