using System.Diagnostics;
using System.Net;
using System.Text.Json;
using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// Time to ledger on the whole topology without media: from the stop request to the session's cost
/// ledger being complete as a seller reads it through the gateway (<c>GET /api/costs/sessions/{id}</c>,
/// polled every 50 ms) — one session at a time, then N stopped at once.
/// </summary>
public static class LedgerBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 10);
        var sessions = options.Int("sessions", 50);
        await using var system = await GoLiveBenchmark.StartAsync(media: false);
        await system.WarmUpAsync();

        var single = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var (token, channel) = await system.PrepareAsync();
            single.Add((await StopToLedgerAsync(system, [(token, channel)]))[0]);
        }

        single.Sort();
        Console.WriteLine($"{runs} sessions one at a time (no media)");
        Figures.Print("single_stop_to_ledger_p50", Figures.Percentile(single, 50), "ms");
        Figures.Print("single_stop_to_ledger_max", single[^1], "ms");

        var burst = await Task.WhenAll(Enumerable.Range(0, sessions).Select(_ => system.PrepareAsync()));
        var times = await StopToLedgerAsync(system, burst);
        times.Sort();
        Console.WriteLine($"{sessions} sessions stopped at once (no media)");
        Figures.Print("stop_to_ledger_p50", Figures.Percentile(times, 50), "ms");
        Figures.Print("stop_to_ledger_p95", Figures.Percentile(times, 95), "ms");
        Figures.Print("stop_to_ledger_max", times[^1], "ms");
        return 0;
    }

    /// <summary>Takes the sessions live, stops them all at once, and returns each one's stop → complete ledger in ms.</summary>
    private static async Task<List<double>> StopToLedgerAsync(GoLiveBenchmark.BenchSystem system, IReadOnlyList<(string Token, ChannelDto Channel)> sessions)
    {
        await Task.WhenAll(sessions.Select(s => system.Gateway.GoLiveAsync(s.Token, s.Channel.Id)));
        var live = await Task.WhenAll(sessions.Select(s => system.Gateway.WaitForStatusAsync(
            s.Token, s.Channel.Id, st => st.State is "live" or "ended" or "failed", TimeSpan.FromMinutes(2), "live", TimeSpan.FromSeconds(1))));
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(sessions.Select(s => system.Gateway.StopAsync(s.Token, s.Channel.Id)));
        var done = await Task.WhenAll(sessions.Select((s, i) => LedgerCompleteAsync(system.Gateway, s.Token, live[i].SessionId!.Value, started)));
        return [.. done];
    }

    private static async Task<double> LedgerCompleteAsync(GatewayClient gateway, string token, Guid sessionId, long started)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * TimeSpan.FromMinutes(5).TotalSeconds);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            using var response = await gateway.SendAsync(HttpMethod.Get, $"/api/costs/sessions/{sessionId}", token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (body.RootElement.GetProperty("status").GetString() == "complete")
                {
                    return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The ledger of session {sessionId} was not complete within 5 minutes of the stop.");
    }
}
