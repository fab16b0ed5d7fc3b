using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using Aspire.Hosting.ApplicationModel;
using HybridStreaming.AppHost;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace HybridStreaming.AppHost.Tests;

public sealed class TopologyHealthTests(TopologyFixture topology)
{
    private static readonly HttpClient Http = new();

    public static TheoryData<string, string[]> ServicesAndTheirDependencies() => new()
    {
        { KnownResources.ChannelsApi, [KnownResources.ChannelsDatabase, KnownResources.Redis, "masstransit-bus"] },
        { KnownResources.RecordingWorker, [KnownResources.RecordingsDatabase, "masstransit-bus"] },
        { KnownResources.RelayWorker, [KnownResources.RelaysDatabase, "masstransit-bus"] },
        { KnownResources.CostApi, [KnownResources.CostsDatabase, "masstransit-bus"] },
        { KnownResources.Gateway, [] },
    };

    [Fact]
    public void Every_resource_of_the_topology_is_healthy()
    {
        topology.App.Resources.Select(r => r.Name).Should().Contain(
        [
            KnownResources.Postgres, KnownResources.Redis, KnownResources.RabbitMq, KnownResources.ChannelsApi,
            KnownResources.RecordingWorker, KnownResources.RelayWorker, KnownResources.CostApi, KnownResources.Gateway,
            KnownResources.AgoraEmulator, KnownResources.CloudflareEmulator,
            KnownResources.ChannelsDatabase, KnownResources.RecordingsDatabase, KnownResources.RelaysDatabase, KnownResources.CostsDatabase,
        ]);
        topology.App.Resources.Should().OnlyContain(
            r => topology.App.Snapshot(r.Name).State!.Text == KnownResourceStates.Running && topology.App.Snapshot(r.Name).HealthStatus == HealthStatus.Healthy,
            topology.App.Report());
    }

    [Fact]
    public async Task The_infrastructure_runs_as_executables_over_the_operating_systems_binaries()
    {
        foreach (var (resource, command) in new[] { (KnownResources.Postgres, "postgres"), (KnownResources.Redis, "redis-server"), (KnownResources.RabbitMq, "beam.smp") })
        {
            topology.App.Resource(resource).Should().BeAssignableTo<ExecutableResource>();
            var tree = topology.App.ProcessTreeOf(resource).Select(pid => HybridStreaming.Processes.ProcessTree.TryRead(pid)?.Command).ToList();
            tree.Should().Contain(command, $"{resource} runs Debian's {command}");
        }

        (await topology.App.ConnectionStringAsync(KnownResources.ChannelsDatabase)).Should().Contain("Database=channelsdb");
    }

    [Fact]
    public async Task One_resource_can_be_killed_and_started_again_while_the_others_keep_running()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var before = topology.App.ProcessId(KnownResources.CostApi);

        await topology.App.KillAsync(KnownResources.CostApi, cancellation);

        topology.App.Snapshot(KnownResources.CostApi).State!.Text.Should().BeOneOf(KnownResourceStates.Exited, KnownResourceStates.Finished);
        topology.App.Snapshot(KnownResources.Gateway).State!.Text.Should().Be(KnownResourceStates.Running);
        topology.App.Snapshot(KnownResources.ChannelsApi).HealthStatus.Should().Be(HealthStatus.Healthy);

        await topology.App.StartAsync(KnownResources.CostApi, cancellation);

        topology.App.ProcessId(KnownResources.CostApi).Should().NotBe(before);
        using var health = await Http.GetAsync(new Uri(topology.App.GetEndpoint(KnownResources.CostApi), "/health"), cancellation);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(ServicesAndTheirDependencies))]
    public async Task Health_is_200_and_checks_the_infrastructure_the_service_uses(string service, string[] checks)
    {
        var endpoint = topology.App.GetEndpoint(service);

        using var response = await Http.GetAsync(new Uri(endpoint, "/health"), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        report.RootElement.GetProperty("status").GetString().Should().Be("Healthy");
        var entries = report.RootElement.GetProperty("entries").EnumerateObject().Select(e => e.Name).ToList();
        entries.Should().Contain([.. checks, "self"]);
    }

    [Theory]
    [MemberData(nameof(ServicesAndTheirDependencies))]
    public async Task Alive_and_metrics_answer(string service, string[] _)
    {
        var endpoint = topology.App.GetEndpoint(service);

        using var alive = await Http.GetAsync(new Uri(endpoint, "/alive"), TestContext.Current.CancellationToken);
        using var metrics = await Http.GetAsync(new Uri(topology.App.GetEndpoint(service, "metrics"), "/metrics"), TestContext.Current.CancellationToken);
        using var publicMetrics = await Http.GetAsync(new Uri(endpoint, "/metrics"), TestContext.Current.CancellationToken);

        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        publicMetrics.StatusCode.Should().Be(HttpStatusCode.NotFound, "metrics answer on the internal port only");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        (await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain("# TYPE");
    }

    [Theory]
    [InlineData(KnownResources.AgoraEmulator, "channel-media")]
    [InlineData(KnownResources.CloudflareEmulator, "rtmp-ingest")]
    public async Task The_emulators_are_healthy_with_their_media_servers_and_alive(string emulator, string mediaCheck)
    {
        var endpoint = topology.App.GetEndpoint(emulator);

        using var health = await Http.GetAsync(new Uri(endpoint, "/health"), TestContext.Current.CancellationToken);
        using var alive = await Http.GetAsync(new Uri(endpoint, "/alive"), TestContext.Current.CancellationToken);

        health.StatusCode.Should().Be(HttpStatusCode.OK);
        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        report.RootElement.GetProperty("entries").EnumerateObject().Select(e => e.Name).Should().Contain(["self", mediaCheck]);
    }

    [Fact]
    public async Task The_emulators_get_the_generated_provider_settings_and_send_webhooks_to_the_gateway()
    {
        var agora = await topology.App.EnvironmentOfAsync(KnownResources.AgoraEmulator);
        var cloudflare = await topology.App.EnvironmentOfAsync(KnownResources.CloudflareEmulator);
        var gateway = topology.App.GetEndpoint(KnownResources.Gateway).ToString().TrimEnd('/');

        agora["AGORA_APP_ID"].Should().MatchRegex("^[0-9a-f]{32}$").And.Be(cloudflare["AGORA_APP_ID"]);
        agora["AGORA_APP_CERTIFICATE"].Should().MatchRegex("^[0-9a-f]{32}$");
        cloudflare["CLOUDFLARE_STREAM_ACCOUNT_ID"].Should().MatchRegex("^[0-9a-f]{32}$");
        agora.Should().ContainKeys("AGORA_CUSTOMER_ID", "AGORA_CUSTOMER_SECRET", "AGORA_NCS_SECRET", "AGORA_EMULATOR_STORAGE_DIR");
        cloudflare.Should().ContainKeys("CLOUDFLARE_STREAM_API_TOKEN", "CLOUDFLARE_STREAM_WEBHOOK_SECRET", "CLOUDFLARE_NOTIFICATIONS_SECRET", "CLOUDFLARE_STREAM_PLAYBACK_BASE_URL");
        agora["AGORA_NCS_WEBHOOK_URL"].Should().Be($"{gateway}/api/webhooks/agora");
        cloudflare["CLOUDFLARE_STREAM_NOTIFICATION_URL"].Should().Be($"{gateway}/api/webhooks/cloudflare");
        File.Exists(Path.Combine(topology.App.StateDirectory, ProviderSettings.FileName)).Should().BeTrue();
    }

    [Fact]
    public async Task The_gateway_serves_the_pages_from_its_web_root_with_the_emulated_seller_stream()
    {
        var gateway = await topology.App.EnvironmentOfAsync(KnownResources.Gateway);
        gateway["AGORA_EMULATOR_URL"].Should().Be(topology.App.GetEndpoint(KnownResources.AgoraEmulator).ToString().TrimEnd('/'));

        // Started from its build output with the project folder as working directory: the web root the build wrote is there.
        var html = await Http.GetStringAsync(new Uri(topology.App.GetEndpoint(KnownResources.Gateway), "/studio"), TestContext.Current.CancellationToken);

        var json = Regex.Match(html, "<script type=\"application/json\" id=\"hs-config\">(.*?)</script>").Groups[1].Value;
        using var config = JsonDocument.Parse(json);
        config.RootElement.GetProperty("sellerMedia").GetString().Should().Be("emulator");
        config.RootElement.GetProperty("devSignIn").GetBoolean().Should().BeTrue();
        config.RootElement.GetProperty("playbackOrigin").GetString().Should().Be(topology.App.GetEndpoint(KnownResources.CloudflareEmulator).ToString().TrimEnd('/'));
    }

    [Fact]
    public async Task Services_get_connection_strings_and_endpoints_the_way_aspire_names_them()
    {
        var environment = await topology.App.EnvironmentOfAsync(KnownResources.ChannelsApi);
        environment.Should().ContainKeys(
            $"ConnectionStrings__{KnownResources.ChannelsDatabase}",
            $"ConnectionStrings__{KnownResources.Redis}",
            $"ConnectionStrings__{KnownResources.RabbitMq}",
            "OTEL_SERVICE_NAME",
            "ASPNETCORE_URLS");
        environment[$"ConnectionStrings__{KnownResources.RabbitMq}"].Should().StartWith("amqp://");
        var gateway = await topology.App.EnvironmentOfAsync(KnownResources.Gateway);
        gateway.Should().Contain(
            $"services__{KnownResources.ChannelsApi}__http__0", topology.App.GetEndpoint(KnownResources.ChannelsApi).ToString().TrimEnd('/'));
        // The gateway's Content-Security-Policy allows the origin of the HLS URLs the Channel API hands out.
        gateway["CLOUDFLARE_STREAM_PLAYBACK_BASE_URL"].Should().Be(environment["CLOUDFLARE_STREAM_PLAYBACK_BASE_URL"]);
    }
}
