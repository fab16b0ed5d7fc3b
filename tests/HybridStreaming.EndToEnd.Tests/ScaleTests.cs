using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>Many channels at once: with media (20), and without (100) — none stuck.</summary>
public sealed class MediaScaleTests(SystemFixture system)
{
    [Fact]
    public async Task Twenty_channels_go_live_at_once_with_media_and_all_stop()
    {
        await using var scenarios = await Scenario.ManyAsync(system, 20);

        var live = await Task.WhenAll(scenarios.Select(s => s.GoLiveAndWaitAsync(Scenario.ManyAtOnce)));

        live.Should().OnlyContain(s => s.State == "live");
        live.Count(s => s.Mode == "hybrid").Should().Be(20, string.Join("; ", live.Where(s => s.Mode != "hybrid").Select(s => s.Reason)));
        var ended = await Task.WhenAll(scenarios.Select(s => s.StopAndWaitAsync(Scenario.ManyAtOnce)));
        ended.Should().OnlyContain(s => s.State == "ended");
    }
}

public sealed class NoMediaScaleTests(NoMediaSystemFixture system) : IClassFixture<NoMediaSystemFixture>
{
    [Fact]
    public async Task A_hundred_channels_go_live_at_once_without_media_and_none_is_stuck()
    {
        await using var scenarios = await Scenario.ManyAsync(system, 100);

        var live = await Task.WhenAll(scenarios.Select(s => s.GoLiveAndWaitAsync(Scenario.ManyAtOnce)));

        live.Should().OnlyContain(s => s.State == "live");
        live.Count(s => s.Mode == "hybrid").Should().Be(100, string.Join("; ", live.Where(s => s.Mode != "hybrid").Select(s => s.Reason).Distinct()));
        var ended = await Task.WhenAll(scenarios.Select(s => s.StopAndWaitAsync(Scenario.ManyAtOnce)));
        ended.Should().OnlyContain(s => s.State == "ended" && s.Recording!.State == "stopped" && s.Relay!.State == "stopped");
    }
}

/// <summary>Under the providers' real quotas, many simultaneous go-lives back off and finish cleanly.</summary>
public sealed class StrictQuotaTests(StrictSystemFixture system) : IClassFixture<StrictSystemFixture>
{
    [Fact]
    public async Task Sixty_simultaneous_go_lives_under_agora_quotas_all_go_live_and_end_with_reasons_for_what_failed()
    {
        await using var scenarios = await Scenario.ManyAsync(system, 60);

        var live = await Task.WhenAll(scenarios.Select(s => s.GoLiveAndWaitAsync(Scenario.ManyAtOnce)));

        live.Should().OnlyContain(s => s.State == "live", "a recording that cannot start never blocks going live");
        live.Where(s => s.Recording!.State == "failed").Should().OnlyContain(s => !string.IsNullOrWhiteSpace(s.Recording!.Detail));
        var ended = await Task.WhenAll(scenarios.Select(s => s.StopAndWaitAsync(Scenario.ManyAtOnce)));
        ended.Should().OnlyContain(s => s.State == "ended");
        ended.Where(s => s.Reason != null && s.Reason.Contains("not confirmed", StringComparison.Ordinal))
            .Should().BeEmpty("every worker confirmed its stop: nothing stuck");
    }
}
