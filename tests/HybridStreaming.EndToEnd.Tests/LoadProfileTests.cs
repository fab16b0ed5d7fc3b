using System.Globalization;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// The viewer load scenario (tests/load, Artillery) in its short <c>smoke</c> profile against this
/// assembly's topology: one minute, 50 viewers who behave like the watch page on a channel live with
/// media. The full profiles run through <c>./bench.sh load|stress</c> (docs/benchmarks.md).
/// </summary>
public sealed class LoadProfileTests(SystemFixture system)
{
    /// <summary>
    /// The fixture's gateway trusts no proxy, so every viewer here shares one client address. Its own
    /// loopback address gives the run a guest-token allowance (60 a minute) that other tests' guests
    /// from 127.0.0.1 have not used up; 50 viewers are within it and within the viewer-read limit.
    /// </summary>
    private const string ViewersAddress = "127.0.0.3";

    private const int Viewers = 50;

    [Fact]
    public async Task Fifty_viewers_watch_for_a_minute_without_an_error_and_are_all_counted()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        try
        {
            var live = await scenario.GoLiveAndWaitAsync();
            live.Mode.Should().Be("hybrid", "the viewers play HLS from the Cloudflare emulator");
            var name = "smoke-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var folder = Path.Combine(Repository.Root, "artifacts", "load-tests");

            var result = await Artillery.RunAsync(new ArtilleryRun
            {
                Profile = "smoke",
                Gateway = system.App.GetEndpoint(KnownResources.Gateway),
                Channels = [scenario.Channel.Id],
                LocalAddress = ViewersAddress,
                ReportPath = Path.Combine(folder, name + ".json"),
                LogPath = Path.Combine(folder, name + ".log"),
            });
            var counted = await system.Gateway.ViewersAsync(scenario.SellerToken, scenario.Channel.Id);
            var status = await system.Gateway.StatusAsync(scenario.SellerToken, scenario.Channel.Id);

            var because = $"Artillery's report is {Path.Combine("artifacts", "load-tests", name + ".json")} (exit code {result.ExitCode})";
            new
            {
                ApiErrors = result.Counter("api.errors"),
                HlsErrors = result.Counter("hls_emulator.errors"),
                NetworkErrors = result.Counter("load.network_errors"),
                Arrived = result.Counter("viewers.arrived"),
                Playing = result.Counter("viewers.playing"),
                NotCounted = result.Counter("heartbeats.not_counted"),
            }.Should().BeEquivalentTo(new { ApiErrors = 0L, HlsErrors = 0L, NetworkErrors = 0L, Arrived = (long)Viewers, Playing = (long)Viewers, NotCounted = 0L }, because);
            result.Counter("api.requests").Should().BeGreaterThanOrEqualTo(3 * Viewers, "each viewer took a guest token, read playback and beat at least once");
            result.Counter("heartbeats.counted").Should().BeGreaterThan(Viewers, because);
            result.Summary("viewers.concurrent")!.Max.Should().Be(Viewers, "all 50 watched at once during the minute's middle 40 s");
            counted.Peak.Should().Be(Viewers, "the platform counted every viewer's heartbeats at once");
            counted.UniqueViewers.Should().Be(Viewers);
            status.State.Should().Be("live", "the load did not stop the session");
        }
        finally
        {
            await scenario.StopAndWaitAsync();
            await scenario.LeaveAgoraAsync();
        }
    }
}
