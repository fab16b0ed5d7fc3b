using HybridStreaming.Benchmarks;

// dotnet run -c Release --project benchmarks/HybridStreaming.Benchmarks -- <name> [options]
var name = args.FirstOrDefault() ?? "help";
var options = BenchmarkOptions.Parse(args.Skip(1));
return name switch
{
    "apphost-startup" => await AppHostStartupBenchmark.RunAsync(options),
    "outbox" => await OutboxBenchmark.RunAsync(options),
    "go-live" => await GoLiveBenchmark.RunAsync(options),
    "emulator-media" => await EmulatorMediaBenchmark.RunAsync(options),
    "viewers" => await ViewersBenchmark.RunAsync(options),
    "ledger" => await LedgerBenchmark.RunAsync(options),
    "load" or "stress" => await LoadBenchmark.RunAsync(name, options),
    _ => Help(),
};

static int Help()
{
    Console.WriteLine("""
        Benchmarks (figures printed as 'name: value unit'; see docs/benchmarks.md):
          apphost-startup [--runs=3]                 AppHost cold start (fresh state) to all resources healthy
          outbox [--events=20000] [--rate=200] [--seconds=30]
                                                     relay throughput from a full outbox, and commit->consumer
                                                     latency p50/p99 at a steady rate
          go-live [--sessions=100] [--bursts=5] [--single-runs=20] [--media-runs=5]
                                                     go-live -> live p50/p95 for simultaneous sessions (no media;
                                                     the last burst is the figure, earlier ones are burstN_),
                                                     the same for sessions one at a time (single_),
                                                     and go-live -> first playable HLS segment (media)
          emulator-media [--runs=5] [--inputs=20] [--seconds=20]
                                                     converter create -> live playlist with 2 segments; N live
                                                     inputs with media at once: playable, CPU and RSS
          viewers [--viewers=5000] [--interval=10] [--seconds=60] [--bare-only]
                                                     heartbeat p50/p99 at N viewers (open loop, one beat per
                                                     viewer per interval); wrk playback reads through the
                                                     gateway meanwhile, against a bare Kestrel endpoint;
                                                     the load generators' own CPU. --bare-only: just the
                                                     bare endpoint and wrk, no topology
          ledger [--runs=10] [--sessions=50]         stop request -> complete cost ledger read through the
                                                     gateway, one session at a time and N stopped at once
          load [--viewers=200] [--seconds=300] [--channels=3] [--one-address]
                                                     Artillery viewers (tests/load) on live channels with media:
                                                     per stage p50/p95/p99 of the API and of the emulator's HLS
                                                     playlists, errors by status, viewers reached, Artillery's
                                                     and the topology's CPU; exit 1 on a failed threshold
          stress [--viewers=500] [--seconds=300] [--channels=3] [--one-address]
                                                     the same shape to N viewers: where a threshold is first
                                                     crossed, what saturates, and whether it degrades gracefully;
                                                     --one-address: no X-Forwarded-For, all viewers one client
        """);
    return 0;
}
