using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.AppHost.Hosting.Resources;
using HybridStreaming.ServiceDefaults;
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
        ]);
        topology.App.Resources.Should().OnlyContain(r => r.State == ResourceState.Healthy, topology.App.Report());
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
        using var metrics = await Http.GetAsync(new Uri(endpoint, "/metrics"), TestContext.Current.CancellationToken);

        alive.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        (await metrics.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain("# TYPE");
    }

    [Fact]
    public void Services_get_connection_strings_and_endpoints_the_way_aspire_names_them()
    {
        var channels = topology.App.Resources.OfType<ProjectResource>().Single(p => p.Name == KnownResources.ChannelsApi);
        var gateway = topology.App.Resources.OfType<ProjectResource>().Single(p => p.Name == KnownResources.Gateway);

        var environment = channels.ResolveEnvironment();
        environment.Should().ContainKeys(
            $"ConnectionStrings__{KnownResources.ChannelsDatabase}",
            $"ConnectionStrings__{KnownResources.Redis}",
            $"ConnectionStrings__{KnownResources.RabbitMq}",
            "OTEL_SERVICE_NAME",
            "ASPNETCORE_URLS");
        environment["OTEL_SERVICE_NAME"].Should().Be(KnownResources.ChannelsApi);
        environment[$"ConnectionStrings__{KnownResources.RabbitMq}"].Should().StartWith("amqp://");
        gateway.ResolveEnvironment().Should().Contain($"services__{KnownResources.ChannelsApi}__http__0", channels.HttpUrl);
    }
}
