using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aspire.Hosting;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// Orchestration speed through the gateway on the whole topology (emulators in default mode):
/// <list type="bullet">
/// <item>N simultaneous go-lives without media: go-live → <c>live</c> per session (the server's own
/// <c>liveAt − startedAt</c>, so polling adds no error) and until all N are live;</item>
/// <item>the CPU each session costs the platform, per resource (from /proc), over the same window;</item>
/// <item>with media: go-live request → the first segment is playable from the HLS URL.</item>
/// </list>
/// </summary>
public static class GoLiveBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var sessions = options.Int("sessions", 100);
        // The runtime keeps tiering hot code up for about the first 400 sessions (perf: 10-16 % of each
        // service's CPU was still the JIT in the third burst, none in the sixth), so the last of five
        // bursts is the first to show a platform that has been running.
        var bursts = Math.Max(1, options.Int("bursts", 5));
        var mediaRuns = options.Int("media-runs", 5);
        var singleRuns = options.Int("single-runs", 20);
        await MeasureOrchestrationAsync(sessions, bursts, singleRuns);
        if (mediaRuns > 0)
        {
            await MeasureFirstSegmentAsync(mediaRuns);
        }

        return 0;
    }

    /// <summary>
    /// <paramref name="bursts"/> rounds of <paramref name="count"/> simultaneous go-lives on one topology:
    /// the first shows a platform whose processes just started (code still being compiled), the last
    /// one a platform that has been running. Each round ends every session before the next begins.
    /// </summary>
    private static async Task MeasureOrchestrationAsync(int count, int bursts, int singleRuns)
    {
        await using var system = await StartAsync(media: false);
        await system.WarmUpAsync();
        for (var burst = 1; burst <= bursts; burst++)
        {
            var scenarios = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => system.PrepareAsync()));

            Console.WriteLine($"burst {burst} of {bursts}: {count} sellers ready, going live");
            var cpuBefore = system.Cpu();
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(scenarios.Select(s => system.Gateway.GoLiveAsync(s.Token, s.Channel.Id)));
            var requested = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var live = await Task.WhenAll(scenarios.Select(s => system.Gateway.WaitForStatusAsync(
                s.Token, s.Channel.Id, st => st.State is "live" or "ended" or "failed", TimeSpan.FromMinutes(2), "live", TimeSpan.FromSeconds(1))));
            var allLive = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpu = ProcessCpu.Used(cpuBefore, system.Cpu());

            var times = live.Select(s => (s.LiveAt!.Value - s.StartedAt!.Value).TotalMilliseconds).Order().ToList();
            var prefix = burst == bursts ? "" : $"burst{burst}_";
            Console.WriteLine($"burst {burst} of {bursts}: {count} simultaneous go-lives (no media): {live.Count(s => s.Mode == "hybrid")} hybrid, {live.Count(s => s.State == "live")} live; all accepted (202) after {requested:0.00} s");
            Figures.Print($"{prefix}go_live_to_live_p50", Figures.Percentile(times, 50), "ms");
            Figures.Print($"{prefix}go_live_to_live_p95", Figures.Percentile(times, 95), "ms");
            Figures.Print($"{prefix}go_live_to_live_max", times[^1], "ms");
            Figures.Print($"{prefix}all_sessions_live_after", allLive, "s");
            Console.WriteLine("CPU per session from go-live until all are live, by resource (ms): "
                + string.Join(", ", cpu.Where(r => r.Milliseconds > 0).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Resource} {r.Milliseconds / count:0.0}"))));
            Figures.Print($"{prefix}cpu_per_session", cpu.Sum(r => r.Milliseconds) / count, "ms");
            await Task.WhenAll(scenarios.Select(s => system.Gateway.StopAsync(s.Token, s.Channel.Id)));
            await Task.WhenAll(scenarios.Select(s => system.Gateway.WaitForStatusAsync(
                s.Token, s.Channel.Id, st => st.State is "ended" or "failed", TimeSpan.FromMinutes(2), "ended", TimeSpan.FromSeconds(1))));
        }

        // One session at a time on the same (warm) platform: what orchestration itself takes when no
        // other session queues in front of it — the bursts above are that plus waiting for two cores.
        if (singleRuns > 0)
        {
            var single = new List<double>();
            for (var run = 0; run < singleRuns; run++)
            {
                var (token, channel) = await system.PrepareAsync();
                await system.Gateway.GoLiveAsync(token, channel.Id);
                var live = await system.Gateway.WaitForStatusAsync(token, channel.Id, st => st.State is "live" or "ended" or "failed", TimeSpan.FromMinutes(1), "live", TimeSpan.FromMilliseconds(50));
                single.Add((live.LiveAt!.Value - live.StartedAt!.Value).TotalMilliseconds);
                await system.Gateway.StopAsync(token, channel.Id);
                await system.Gateway.WaitForStatusAsync(token, channel.Id, st => st.State is "ended" or "failed", TimeSpan.FromMinutes(1), "ended");
            }

            single.Sort();
            Console.WriteLine($"{singleRuns} go-lives one at a time (no media)");
            Figures.Print("single_go_live_to_live_p50", Figures.Percentile(single, 50), "ms");
            Figures.Print("single_go_live_to_live_p95", Figures.Percentile(single, 95), "ms");
        }
    }

    private static async Task MeasureFirstSegmentAsync(int runs)
    {
        await using var system = await StartAsync(media: true);
        await system.WarmUpAsync();
        using var cdn = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var firstSegment = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var scenario = await system.PrepareAsync();
            var started = Stopwatch.GetTimestamp();
            await system.Gateway.GoLiveAsync(scenario.Token, scenario.Channel.Id);
            var live = await system.Gateway.WaitForStatusAsync(scenario.Token, scenario.Channel.Id, s => s.State is "live" or "ended", TimeSpan.FromMinutes(1), "live");
            if (live.HlsPlaybackUrl is null)
            {
                Console.WriteLine($"run {run + 1}: no HLS ({live.Mode}: {live.Reason})");
                continue;
            }

            var playlist = new Uri(live.HlsPlaybackUrl);
            while (true)
            {
                using var response = await cdn.GetAsync(playlist);
                var text = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : "";
                var segment = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
                if (segment is not null && (await cdn.GetAsync(new Uri(playlist, segment))).IsSuccessStatusCode)
                {
                    break;
                }

                await Task.Delay(50);
            }

            firstSegment.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Console.WriteLine($"run {run + 1}: first playable segment after {firstSegment[^1]:0.00} s");
            await system.Gateway.StopAsync(scenario.Token, scenario.Channel.Id);
        }

        firstSegment.Sort();
        Figures.Print("go_live_to_first_segment_median", Figures.Percentile(firstSegment, 50), "s");
        Figures.Print("go_live_to_first_segment_max", firstSegment.Count > 0 ? firstSegment[^1] : double.NaN, "s");
    }

    /// <summary>The whole topology, the gateway's limits raised; also the viewers benchmark's.</summary>
    internal static async Task<BenchSystem> StartAsync(bool media)
    {
        var app = await TestTopology.StartAsync(new TestTopologyOptions
        {
            Configuration = new Dictionary<string, string> { ["EMULATOR_MEDIA"] = media ? "on" : "off" },
            // The gateway's brakes for runaway clients would brake the benchmark's one client instead.
            Configure = builder => builder.Project(KnownResources.Gateway)
                .WithEnvironment("RATE_LIMIT_VIEWER_PER_SECOND", "1000000")
                .WithEnvironment("RATE_LIMIT_GUEST_PER_MINUTE", "1000000")
                .WithEnvironment("RATE_LIMIT_CONTROL_PER_WINDOW", "1000000")
                .WithEnvironment("GATEWAY_MAX_CONCURRENT_REQUESTS", "100000"),
        });
        return new BenchSystem(app);
    }

    internal sealed class BenchSystem(TestTopology app) : IAsyncDisposable
    {
        public TestTopology App => app;

        public GatewayClient Gateway { get; } = new(new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.Gateway), Timeout = TimeSpan.FromSeconds(60) });

        private EmulatorClient Agora { get; } = new(new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.AgoraEmulator) });

        /// <summary>CPU used so far by every process of the topology (not this benchmark's own client).</summary>
        public Dictionary<(string Resource, int Pid), long> Cpu() => ProcessCpu.ByResource(app);

        public async Task<(string Token, ChannelDto Channel)> PrepareAsync()
        {
            var token = await Gateway.TokenAsync("bench-" + Guid.NewGuid().ToString("N")[..8], "seller");
            var channel = await Gateway.CreateChannelAsync(token, "benchmark channel");
            var rtc = await Gateway.RtcTokenAsync(token, channel.Id);
            await Agora.JoinBroadcasterAsync(rtc.ChannelName, rtc.Uid, rtc.Token);
            return (token, channel);
        }

        /// <summary>A few sessions end to end first: the figures are of a running platform, not of JIT and first connections.</summary>
        public async Task WarmUpAsync()
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PrepareAsync()));
            await Task.WhenAll(sessions.Select(s => Gateway.GoLiveAsync(s.Token, s.Channel.Id)));
            await Task.WhenAll(sessions.Select(s => Gateway.WaitForStatusAsync(s.Token, s.Channel.Id, st => st.State == "live", TimeSpan.FromMinutes(1), "warm-up live")));
            await Task.WhenAll(sessions.Select(s => Gateway.StopAsync(s.Token, s.Channel.Id)));
            await Task.WhenAll(sessions.Select(s => Gateway.WaitForStatusAsync(s.Token, s.Channel.Id, st => st.State == "ended", TimeSpan.FromMinutes(1), "warm-up ended")));
        }

        public async ValueTask DisposeAsync()
        {
            Gateway.Http.Dispose();
            Agora.Http.Dispose();
            await app.DisposeAsync();
        }
    }
}
