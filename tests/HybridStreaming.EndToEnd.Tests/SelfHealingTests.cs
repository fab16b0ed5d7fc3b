using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// Self-healing hybrid (<see cref="SelfHealingSystemFixture"/>: no media, 5 s deadline, 20 s grace): sessions
/// that fell back because their relay was held up return to hybrid when it comes up, and a relay that never
/// comes up releases what it created instead of running unused until the stop.
/// </summary>
public sealed class SelfHealingTests(SelfHealingSystemFixture system) : IClassFixture<SelfHealingSystemFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    /// <summary>Within the grace period the relay is still trying.</summary>
    private const int NoMediaGrace = SelfHealingSystemFixture.LateStartGraceSeconds;

    [Fact]
    public async Task Fifty_go_lives_through_a_ten_second_broker_outage_all_end_up_hybrid_and_leave_nothing_behind()
    {
        await using var scenarios = await Scenario.ManyAsync(system, 50);

        var goLives = Task.WhenAll(scenarios.Select(s => system.Gateway.GoLiveAsync(s.SellerToken, s.Channel.Id)));
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        await system.App.StopAsync(KnownResources.RabbitMq, TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await system.App.StartAsync(KnownResources.RabbitMq, TestContext.Current.CancellationToken);
        await goLives;

        var live = await Task.WhenAll(scenarios.Select(s => system.Gateway.WaitForStatusAsync(
            s.SellerToken, s.Channel.Id, st => st is { State: "live", Mode: "hybrid" } || st.State is "ended" or "failed",
            Generous, "the session to be live in hybrid", Scenario.ManyAtOnce)));

        live.Should().OnlyContain(s => s.State == "live" && s.Mode == "hybrid", string.Join("; ", live.Where(s => s.Mode != "hybrid").Select(s => s.Reason).Distinct()));
        var recovered = live.Where(s => s.ModeHistory!.Count > 1).ToList();
        recovered.Should().NotBeEmpty("sessions whose relay was held up past the 5 s deadline fell back, and came back");
        recovered.Select(s => s.ModeHistory!.TakeLast(2).Select(c => c.Mode)).Should().AllSatisfy(
            last => last.Should().Equal("agora-only", "hybrid"));
        recovered[0].ModeHistory![^1].Reason.Should().Contain("moved back to HLS");
        TestContext.Current.SendDiagnosticMessage($"{recovered.Count} of 50 sessions fell back during the outage and returned to hybrid");

        var ended = await Task.WhenAll(scenarios.Select(s => s.StopAndWaitAsync(Scenario.ManyAtOnce)));
        ended.Should().OnlyContain(s => s.State == "ended" && s.Recording!.State == "stopped" && s.Relay!.State == "stopped");
        var inventory = await ProviderInventory.OpenAsync(system);
        foreach (var scenario in scenarios)
        {
            (await inventory.RecordersInAsync(scenario.Rtc.ChannelName)).Should().BeEmpty("no recording runs after the stop");
            (await inventory.ConvertersInAsync(scenario.Rtc.ChannelName)).Should().BeEmpty("no converter runs after the stop");
        }

        (await inventory.EnabledLiveInputsAsync(ended.Select(s => s.SessionId!.Value))).Should().BeEmpty("every live input is disabled at the stop");
    }

    [Fact]
    public async Task A_relay_that_never_connects_gives_up_after_the_grace_period_and_releases_its_converter_and_input()
    {
        // The seller never joins the Agora channel, so the converter has nothing to push and the live input
        // never connects.
        var scenario = await Scenario.SellerWithChannelAsync(system, joinAgora: false);

        var live = await scenario.GoLiveAndWaitAsync();
        live.Mode.Should().Be("agora-only");
        live.Reason.Should().Contain($"did not start within {SelfHealingSystemFixture.DeadlineSeconds} s");
        var inventory = await ProviderInventory.OpenAsync(system);
        // The converter may still be on its way when the deadline passes (a busy machine): the relay keeps trying through the grace period.
        await Eventually.TrueAsync(
            async () => (await inventory.ConvertersInAsync(scenario.Rtc.ChannelName)).Count == 1,
            TimeSpan.FromSeconds(NoMediaGrace), "the relay's converter to exist while it keeps trying");

        var gaveUp = await system.Gateway.WaitForStatusAsync(
            scenario.SellerToken, scenario.Channel.Id, s => s.Relay?.Detail?.Contains("grace", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(SelfHealingSystemFixture.DeadlineSeconds + SelfHealingSystemFixture.LateStartGraceSeconds + 60), "the relay to give up");

        gaveUp.Mode.Should().Be("agora-only");
        gaveUp.State.Should().Be("live", "buyers keep watching on Agora");
        await Eventually.TrueAsync(
            async () => (await inventory.ConvertersInAsync(scenario.Rtc.ChannelName)).Count == 0
                && (await inventory.EnabledLiveInputsAsync([live.SessionId!.Value])).Count == 0,
            TimeSpan.FromSeconds(30), "the converter to be deleted and the live input disabled before the stop");

        var ended = await scenario.StopAndWaitAsync();
        ended.Relay!.State.Should().Be("stopped");
    }
}
