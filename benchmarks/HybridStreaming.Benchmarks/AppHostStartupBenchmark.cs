using HybridStreaming.Testing;

namespace HybridStreaming.Benchmarks;

/// <summary>Cold start: a fresh state folder (initdb, a new RabbitMQ node), process start to every resource healthy.</summary>
public static class AppHostStartupBenchmark
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var runs = options.Int("runs", 3);
        var cold = new List<double>();
        var warm = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var state = Path.Combine(Path.GetTempPath(), "hybridstreaming-bench", Guid.NewGuid().ToString("N")[..8]);
            try
            {
                cold.Add(await MeasureAsync(state));
                warm.Add(await MeasureAsync(state));
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

    private static async Task<double> MeasureAsync(string state)
    {
        await using var apphost = AppHostProcess.Start(state);
        var elapsed = await apphost.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(5));
        await apphost.InterruptAsync(TimeSpan.FromSeconds(90));
        return elapsed.TotalSeconds;
    }
}
