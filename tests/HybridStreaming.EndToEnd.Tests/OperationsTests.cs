using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// What operators watch, on the whole topology: the gateway's <c>GET /api/health</c> as providers and
/// Postgres fail and recover, and the business metrics each service exposes on its internal port.
/// </summary>
public sealed class OperationsTests(SystemFixture system)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Api_health_is_degraded_while_cloudflare_fails_and_healthy_again_after_a_successful_call()
    {
        await WaitForHealthAsync(report => report.Status == "healthy", "the platform to be healthy before the test");
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await system.Cloudflare.AddFaultAsync(new
        {
            match = new { method = "POST", path = "/client/v4/accounts/*/stream/live_inputs" },
            status = 500,
            rate = 1.0,
            ttlSeconds = 120,
        });
        try
        {
            await system.Gateway.GoLiveAsync(scenario.SellerToken, scenario.Channel.Id);

            // The relay worker's retries trip its Cloudflare circuit breaker: new sessions go agora-only.
            var degraded = await WaitForHealthAsync(report => report.Part("cloudflare").Status == "unhealthy", "the relay worker's Cloudflare circuit to open");
            degraded.HttpStatus.Should().Be(HttpStatusCode.OK);
            degraded.Status.Should().Be("degraded", "the platform still works, agora-only");
            degraded.Part("cloudflare").Detail.Should().Contain("relay-worker");
            degraded.Part("agora").Status.Should().Be("healthy");
            foreach (var part in new[] { "channels-api", "recording-worker", "relay-worker", "cost-api", "postgres", "redis", "rabbitmq" })
            {
                degraded.Part(part).Status.Should().Be("healthy", part);
            }
        }
        finally
        {
            await system.Cloudflare.ClearFaultsAsync();
        }

        // The relay keeps trying; after the break (2 s here) its trial call succeeds and closes the circuit.
        var healthy = await WaitForHealthAsync(report => report.Status == "healthy", "a successful Cloudflare call to make the platform healthy again");
        healthy.Part("cloudflare").Status.Should().Be("healthy");
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task With_postgres_stopped_the_platform_is_unhealthy_while_the_gateway_stays_ready()
    {
        await WaitForHealthAsync(report => report.Status == "healthy", "the platform to be healthy before the test");
        await system.App.StopAsync(KnownResources.Postgres, Ct);
        try
        {
            var unhealthy = await WaitForHealthAsync(report => report.Status == "unhealthy", "Postgres's absence to show");
            unhealthy.HttpStatus.Should().Be(HttpStatusCode.ServiceUnavailable);
            unhealthy.Part("postgres").Status.Should().Be("unhealthy");
            unhealthy.Part("channels-api").Status.Should().Be("unhealthy");
            unhealthy.Part("redis").Status.Should().Be("healthy");

            using var readiness = await system.Gateway.Http.GetAsync(new Uri("/health", UriKind.Relative), Ct);
            readiness.StatusCode.Should().Be(HttpStatusCode.OK, "the edge (and the providers' webhooks) stays in service");
        }
        finally
        {
            await system.App.StartAsync(KnownResources.Postgres, Ct);
        }

        await WaitForHealthAsync(report => report.Status == "healthy", "the platform to recover once Postgres is back");
    }

    [Fact]
    public async Task Metrics_count_go_lives_fallbacks_heartbeats_and_show_live_sessions_on_the_internal_port_only()
    {
        var before = await ScrapeChannelsAsync();
        var scenario = await Scenario.SellerWithChannelAsync(system);
        var live = await scenario.GoLiveAndWaitAsync();
        live.Mode.Should().Be("hybrid", live.Reason);
        var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..6], "buyer");
        for (var beat = 0; beat < 3; beat++)
        {
            (await system.Gateway.HeartbeatAsync(buyer, scenario.Channel.Id, "hls")).Counted.Should().BeTrue();
            await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        }

        // The gauges are sampled every second here (METRICS_SAMPLE_SECONDS).
        var during = await Eventually.ValueAsync(
            ScrapeChannelsAsync,
            samples => MaxOverReplicas(samples, "hybridstreaming_sessions_live", ("mode", "hybrid")) >= 1 && MaxOverReplicas(samples, "hybridstreaming_viewers_current") >= 1,
            TimeSpan.FromSeconds(30), "the live session and its viewer in the gauges");

        var fallback = await Scenario.SellerWithChannelAsync(system);
        var agoraOnly = await fallback.GoLiveWithCloudflareFailingAsync(400);
        agoraOnly.Mode.Should().Be("agora-only");
        // A counter moves when the committing replica's transaction ends, which can be a moment after the
        // gateway (told by Postgres's notification at commit) already answers "live".
        var after = await Eventually.ValueAsync(
            ScrapeChannelsAsync,
            samples => Delta(before, samples, "hybridstreaming_golive_duration_seconds_count", ("mode", "agora-only")) >= 1
                && Delta(before, samples, "hybridstreaming_fallbacks_total", ("reason", "relay-failed")) >= 1,
            TimeSpan.FromSeconds(10), "the fallback's go-live in the counters");

        Delta(before, after, "hybridstreaming_golive_duration_seconds_count", ("mode", "hybrid")).Should().Be(1);
        Delta(before, after, "hybridstreaming_golive_duration_seconds_count", ("mode", "agora-only")).Should().Be(1);
        Delta(before, after, "hybridstreaming_fallbacks_total", ("reason", "relay-failed")).Should().Be(1);
        Delta(before, after, "hybridstreaming_viewer_heartbeats_total", ("path", "hls")).Should().Be(3);
        Delta(before, after, "hybridstreaming_viewer_minutes_total", ("path", "hls")).Should().BeApproximately(1.0 / 60, 0.5 / 60, "two gaps of about half a second");
        after.SelectMany(s => s).Sum("hybridstreaming_golive_duration_seconds_sum").Should().BeGreaterThan(before.SelectMany(s => s).Sum("hybridstreaming_golive_duration_seconds_sum"));
        during.Should().AllSatisfy(samples => samples.Select(s => s.Name).Should().Contain(
            ["hybridstreaming_outbox_backlog", "hybridstreaming_outbox_oldest_age_seconds", "hybridstreaming_sessions_stuck"]));

        var relay = await ScrapeAsync(KnownResources.RelayWorker);
        relay.Sum("hybridstreaming_provider_calls_total", ("provider", "cloudflare"), ("outcome", "success")).Should().BeGreaterThan(0);
        relay.Should().Contain(s => s.Name == "hybridstreaming_provider_circuit_state" && s.Labels["provider"] == "cloudflare");
        var cost = await ScrapeAsync(KnownResources.CostApi);
        cost.Should().Contain(s => s.Name == "hybridstreaming_cost_usd_total" && s.Labels["basis"] == "actual");

        using var publicMetrics = await system.Gateway.Http.GetAsync(new Uri("/metrics", UriKind.Relative), Ct);
        publicMetrics.StatusCode.Should().Be(HttpStatusCode.NotFound, "the public edge serves no metrics");

        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
        await fallback.StopAndWaitAsync();
        await fallback.LeaveAgoraAsync();
    }

    /// <summary>The counters are per replica: their sum is the platform's.</summary>
    private static double Delta(IReadOnlyList<IReadOnlyList<PrometheusSample>> before, IReadOnlyList<IReadOnlyList<PrometheusSample>> after, string name, params (string, string)[] labels) =>
        after.SelectMany(s => s).Sum(name, labels) - before.SelectMany(s => s).Sum(name, labels);

    /// <summary>The gauges are the platform's, the same on every replica.</summary>
    private static double MaxOverReplicas(IReadOnlyList<IReadOnlyList<PrometheusSample>> replicas, string name, params (string, string)[] labels) =>
        replicas.Max(samples => samples.Sum(name, labels));

    private async Task<IReadOnlyList<IReadOnlyList<PrometheusSample>>> ScrapeChannelsAsync() =>
        [await ScrapeAsync(KnownResources.ChannelsApi), await ScrapeAsync($"{KnownResources.ChannelsApi}-2")];

    private async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync(string service)
    {
        var endpoint = system.App.GetEndpoint(service, "metrics");
        using var http = new HttpClient();
        return PrometheusText.Parse(await http.GetStringAsync(new Uri(endpoint, "/metrics"), Ct));
    }

    private sealed record HealthReport(HttpStatusCode HttpStatus, string Status, IReadOnlyDictionary<string, (string Status, string Detail)> Parts)
    {
        public (string Status, string Detail) Part(string name) => Parts.TryGetValue(name, out var part) ? part : throw new KeyNotFoundException($"/api/health has no {name}");

        public override string ToString() => $"{Status}: {string.Join(", ", Parts.Select(p => $"{p.Key} {p.Value.Status} ({p.Value.Detail})"))}";
    }

    private async Task<HealthReport> HealthAsync()
    {
        using var response = await system.Gateway.Http.GetAsync(new Uri("/api/health", UriKind.Relative), Ct);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = document.RootElement;
        root.GetProperty("timestamp").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));
        return new HealthReport(
            response.StatusCode,
            root.GetProperty("status").GetString()!,
            root.GetProperty("services").EnumerateObject().ToDictionary(
                part => part.Name,
                part => (part.Value.GetProperty("status").GetString()!, part.Value.GetProperty("detail").GetString() ?? "")));
    }

    private Task<HealthReport> WaitForHealthAsync(Func<HealthReport, bool> done, string what) =>
        Eventually.ValueAsync(HealthAsync, done, Patience, what, TimeSpan.FromMilliseconds(500));
}
