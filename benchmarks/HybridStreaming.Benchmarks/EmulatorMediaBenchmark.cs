using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HybridStreaming.AppHost;
using HybridStreaming.Processes;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// The emulators' real media on this machine: (1) from creating a Media Push converter (the seller
/// already broadcasting) to the Cloudflare live input's playlist holding 2 segments; (2) many live
/// inputs with media at once — one synthetic encoder per channel, a converter each, nginx HLS — all
/// playable, with the CPU (share of the whole machine, from /proc) and the memory (RSS) of the
/// emulators and every ffmpeg and nginx they run.
/// </summary>
public static class EmulatorMediaBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 5);
        var inputs = options.Int("inputs", 20);
        var seconds = options.Int("seconds", 20);

        await using var app = await TestTopology.StartAsync(new TestTopologyOptions { Only = $"{KnownResources.AgoraEmulator},{KnownResources.CloudflareEmulator}" });
        var providers = ProviderSettings.Load(app.StateDirectory, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var bench = new Bench(app, providers);

        var latencies = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var channel = $"bench_latency_{run}";
            var input = await bench.CreateInputAsync();
            await bench.JoinAndWaitForMediaAsync(channel, 1000);
            var started = Stopwatch.GetTimestamp();
            var converter = await bench.CreateConverterAsync(channel, 1000, input.RtmpUrl);
            await bench.WaitForSegmentsAsync(input.Uid, 2, TimeSpan.FromSeconds(60));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
            Console.WriteLine($"run {run + 1}: converter create -> playlist with 2 segments in {latencies[^1]:0.00} s");
            await bench.DeleteConverterAsync(converter);
            await bench.LeaveAsync(channel, 1000);
        }

        latencies.Sort();
        Figures.Print("emulator_converter_to_2_segments_median", Figures.Percentile(latencies, 50), "s");
        Figures.Print("emulator_converter_to_2_segments_max", latencies[^1], "s");

        // Many sellers at once: a channel, an encoder, a converter and a live input each.
        var live = new List<(string Uid, string Channel)>();
        for (var i = 0; i < inputs; i++)
        {
            var channel = $"bench_load_{i}";
            var input = await bench.CreateInputAsync();
            await bench.JoinAsync(channel, 2000);
            await bench.CreateConverterAsync(channel, 2000, input.RtmpUrl);
            live.Add((input.Uid, channel));
        }

        var ready = Stopwatch.GetTimestamp();
        await Task.WhenAll(live.Select(l => bench.WaitForSegmentsAsync(l.Uid, 2, TimeSpan.FromMinutes(2))));
        Console.WriteLine($"{inputs} live inputs have 2 segments each {Stopwatch.GetElapsedTime(ready).TotalSeconds:0.0} s after the last converter was created");

        var processes = bench.EmulatorProcessIds();
        var (machine, tree) = await CpuAsync(processes, TimeSpan.FromSeconds(seconds));
        var all = processes().ToList();
        var rss = all.Sum(Rss);
        Console.WriteLine($"measured over {seconds} s: {all.Count(p => ProcessTree.TryRead(p)?.Command == "ffmpeg")} ffmpeg, {all.Count(p => ProcessTree.TryRead(p)?.Command == "nginx")} nginx, 2 emulators");

        var playable = 0;
        foreach (var (uid, _) in live)
        {
            playable += await bench.IsPlayableAsync(uid) ? 1 : 0;
        }

        Figures.Print($"emulator_media_{inputs}_inputs_playable", playable, $"of {inputs}");
        Figures.Print($"emulator_media_{inputs}_inputs_cpu_emulators_ffmpeg_nginx", tree, "% of the machine");
        Figures.Print($"emulator_media_{inputs}_inputs_cpu_whole_machine", machine, "% of the machine");
        Figures.Print($"emulator_media_{inputs}_inputs_rss_emulators_ffmpeg_nginx", rss / 1024.0 / 1024.0, "MiB");
        return playable == inputs ? 0 : 1;
    }

    /// <summary>CPU over a window from /proc: the whole machine (/proc/stat) and the given processes (utime + stime).</summary>
    private static async Task<(double Machine, double Tree)> CpuAsync(Func<IEnumerable<int>> processes, TimeSpan window)
    {
        var (busy0, total0) = ProcessCpu.MachineJiffies();
        var before = processes().ToDictionary(p => p, ProcessCpu.ProcessJiffies);
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(window);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (busy1, total1) = ProcessCpu.MachineJiffies();
        var used = processes().Sum(p => ProcessCpu.ProcessJiffies(p) - before.GetValueOrDefault(p));
        return (100.0 * (busy1 - busy0) / (total1 - total0), 100.0 * used / ProcessCpu.TicksPerSecond / elapsed / Environment.ProcessorCount);
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private sealed class Bench
    {
        private readonly TestTopology _app;
        private readonly ProviderSettings _providers;
        private readonly HttpClient _agora;
        private readonly HttpClient _cloudflare;
        private readonly HttpClient _anonymous = new() { Timeout = TimeSpan.FromSeconds(30) };

        public Bench(TestTopology app, ProviderSettings providers)
        {
            _app = app;
            _providers = providers;
            _agora = new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.AgoraEmulator), Timeout = TimeSpan.FromSeconds(30) };
            _agora.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{providers.AgoraCustomerId}:{providers.AgoraCustomerSecret}")));
            _cloudflare = new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.CloudflareEmulator), Timeout = TimeSpan.FromSeconds(30) };
            _cloudflare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", providers.CloudflareApiToken);
        }

        public async Task<(string Uid, string RtmpUrl)> CreateInputAsync()
        {
            using var response = await _cloudflare.PostAsJsonAsync($"/client/v4/accounts/{_providers.CloudflareAccountId}/stream/live_inputs", new { recording = new { mode = "automatic" } });
            var result = (await response.Content.ReadFromJsonAsync<JsonNode>())!["result"]!;
            return (result["uid"]!.GetValue<string>(), result["rtmps"]!["url"]!.GetValue<string>() + result["rtmps"]!["streamKey"]!.GetValue<string>());
        }

        public async Task JoinAsync(string channel, uint uid)
        {
            var token = TestTokenBuilder.Publisher(_providers.AgoraAppId, _providers.AgoraAppCertificate, channel, uid);
            using var response = await _agora.PostAsJsonAsync($"/__emulator/channels/{channel}/broadcasters", new { uid, token });
            response.EnsureSuccessStatusCode();
        }

        public async Task JoinAndWaitForMediaAsync(string channel, uint uid)
        {
            await JoinAsync(channel, uid);
            while (!(await _agora.GetFromJsonAsync<JsonNode>($"/__emulator/channels/{channel}"))!["mediaLive"]!.GetValue<bool>())
            {
                await Task.Delay(50);
            }
        }

        public async Task LeaveAsync(string channel, uint uid) => (await _agora.DeleteAsync($"/__emulator/channels/{channel}/broadcasters/{uid}")).Dispose();

        public async Task<string> CreateConverterAsync(string channel, uint uid, string rtmpUrl)
        {
            using var response = await _agora.PostAsJsonAsync($"/na/v1/projects/{_providers.AgoraAppId}/rtmp-converters", new
            {
                converter = new { name = channel + "_cdn", rawOptions = new { rtcChannel = channel, rtcStreamUid = uid }, rtmpUrl, idleTimeout = 300 },
            });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonNode>())!["converter"]!["id"]!.GetValue<string>();
        }

        public async Task DeleteConverterAsync(string id) => (await _agora.DeleteAsync($"/na/v1/projects/{_providers.AgoraAppId}/rtmp-converters/{id}")).Dispose();

        public async Task WaitForSegmentsAsync(string uid, int segments, TimeSpan timeout)
        {
            var started = Stopwatch.GetTimestamp();
            while (await SegmentsAsync(uid) < segments)
            {
                if (Stopwatch.GetElapsedTime(started) > timeout)
                {
                    throw new TimeoutException($"live input {uid} had fewer than {segments} segments after {timeout.TotalSeconds:0} s");
                }

                await Task.Delay(100);
            }
        }

        /// <summary>Playable: a live playlist whose newest segment downloads as MPEG-TS holding H.264 and AAC (ffprobe).</summary>
        public async Task<bool> IsPlayableAsync(string uid)
        {
            var manifest = new Uri(_app.GetEndpoint(KnownResources.CloudflareEmulator), $"/{uid}/manifest/video.m3u8");
            var info = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", manifest.ToString()])
            {
                RedirectStandardOutput = true,
            };
            using var probe = Process.Start(info)!;
            var codecs = await probe.StandardOutput.ReadToEndAsync();
            await probe.WaitForExitAsync();
            return probe.ExitCode == 0 && codecs.Contains("h264", StringComparison.Ordinal) && codecs.Contains("aac", StringComparison.Ordinal);
        }

        /// <summary>The two emulators and everything they run (ffmpeg, nginx), as it is at each call.</summary>
        public Func<IEnumerable<int>> EmulatorProcessIds() => () =>
            new[] { KnownResources.AgoraEmulator, KnownResources.CloudflareEmulator }
                .SelectMany(_app.ProcessTreeOf);

        private async Task<int> SegmentsAsync(string uid)
        {
            using var response = await _anonymous.GetAsync(new Uri(_app.GetEndpoint(KnownResources.CloudflareEmulator), $"/{uid}/manifest/video.m3u8"));
            return (int)response.StatusCode == 200
                ? (await response.Content.ReadAsStringAsync()).Split('\n').Count(l => l.StartsWith("#EXTINF", StringComparison.Ordinal))
                : 0;
        }
    }
}
