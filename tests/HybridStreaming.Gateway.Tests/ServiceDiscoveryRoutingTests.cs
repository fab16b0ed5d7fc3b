using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Yarp.ReverseProxy;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// The real gateway (its Program, in-process) in front of two stand-in services: cluster addresses come
/// from <c>services__{name}__http__N</c> through service discovery, as an Aspire AppHost hands them out.
/// </summary>
public sealed class ServiceDiscoveryRoutingTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Routes_reach_the_services_at_the_addresses_service_discovery_resolves()
    {
        await using var channels = await StandInService.StartAsync(KnownResources.ChannelsApi);
        await using var costs = await StandInService.StartAsync(KnownResources.CostApi);
        await using var gateway = Gateway(new()
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = channels.Address,
            [$"services:{KnownResources.CostApi}:http:0"] = costs.Address,
        });
        using var client = gateway.CreateClient();

        // Webhooks are anonymous at the edge (the Channel API checks their signatures).
        using var webhook = await client.PostAsync("/api/webhooks/agora", content: null, CancellationToken);
        webhook.StatusCode.Should().Be(HttpStatusCode.OK);
        (await webhook.Content.ReadAsStringAsync(CancellationToken)).Should().Be("channels-api POST /api/webhooks/agora");

        // The apps' routes need a token.
        using var anonymous = await client.GetAsync("/api/costs/summary", CancellationToken);
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        channels.Requests.Should().Be(1);
        costs.Requests.Should().Be(0, "the edge turned the anonymous request away");

        using var issued = await client.PostAsJsonAsync("/api/dev/token", new { userId = "seller-1", role = "seller" }, CancellationToken);
        var token = (await issued.Content.ReadFromJsonAsync<DevTokenResponse>(CancellationToken))!.AccessToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/costs/summary");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var cost = await client.SendAsync(request, CancellationToken);
        cost.StatusCode.Should().Be(HttpStatusCode.OK);
        (await cost.Content.ReadAsStringAsync(CancellationToken)).Should().Be("cost-api GET /api/costs/summary");
    }

    [Fact]
    public async Task A_guest_token_reaches_the_channel_reads_and_nothing_it_may_not_use()
    {
        await using var channels = await StandInService.StartAsync(KnownResources.ChannelsApi);
        await using var costs = await StandInService.StartAsync(KnownResources.CostApi);
        await using var gateway = GatewayHost.Create(new Dictionary<string, string?>
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = channels.Address,
            [$"services:{KnownResources.CostApi}:http:0"] = costs.Address,
            ["GUEST_TOKEN_SIGNING_KEY"] = "routing-tests-guest-key-of-at-least-32-bytes",
        });
        using var client = gateway.CreateClient();
        using var issued = await client.PostAsync("/api/viewers/guest", content: null, CancellationToken);
        var guest = (await issued.Content.ReadFromJsonAsync<GuestToken>(CancellationToken))!.AccessToken;
        var channel = $"/api/channels/{Guid.NewGuid()}";

        // The buyers' directory and watch page: the channel list (with its filters) and one channel.
        using var list = await SendAsync(client, HttpMethod.Get, "/api/channels?live=true&limit=20", guest);
        using var one = await SendAsync(client, HttpMethod.Get, channel, guest);
        using var create = await SendAsync(client, HttpMethod.Post, "/api/channels", guest);
        using var update = await SendAsync(client, HttpMethod.Put, channel, guest);
        using var goLive = await SendAsync(client, HttpMethod.Post, $"{channel}/live", guest);
        using var cost = await SendAsync(client, HttpMethod.Get, "/api/costs/summary", guest);

        list.StatusCode.Should().Be(HttpStatusCode.OK);
        (await list.Content.ReadAsStringAsync(CancellationToken)).Should().Be("channels-api GET /api/channels");
        one.StatusCode.Should().Be(HttpStatusCode.OK);
        (await one.Content.ReadAsStringAsync(CancellationToken)).Should().Be($"channels-api GET {channel}");
        new[] { create, update, goLive, cost }.Select(r => r.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.Forbidden);
        channels.Requests.Should().Be(2, "only the two reads went through");
        costs.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Every_address_of_a_service_becomes_a_destination_of_its_cluster()
    {
        await using var first = await StandInService.StartAsync(KnownResources.ChannelsApi);
        await using var second = await StandInService.StartAsync(KnownResources.ChannelsApi);
        await using var gateway = Gateway(new()
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = first.Address,
            [$"services:{KnownResources.ChannelsApi}:http:1"] = second.Address,
            [$"services:{KnownResources.CostApi}:http:0"] = "http://127.0.0.1:9",
        });
        using var client = gateway.CreateClient();

        var proxy = gateway.Services.GetRequiredService<IProxyStateLookup>();
        proxy.TryGetCluster(KnownResources.ChannelsApi, out var cluster).Should().BeTrue();
        cluster!.Destinations.Values.Select(d => d.Model.Config.Address.TrimEnd('/'))
            .Should().BeEquivalentTo([first.Address, second.Address]);

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync("/api/webhooks/agora", content: null, CancellationToken);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        (first.Requests + second.Requests).Should().Be(4);
    }

    [Fact]
    public void Start_up_fails_naming_the_setting_of_a_service_without_an_address()
    {
        using var gateway = Gateway(new() { [$"services:{KnownResources.ChannelsApi}:http:0"] = "http://127.0.0.1:9" });

        var start = () => gateway.CreateClient();

        start.Should().Throw<InvalidOperationException>()
            .WithMessage("*Missing configuration: services__cost-api__http__0 *");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request, CancellationToken);
    }

    private static WebApplicationFactory<Program> Gateway(Dictionary<string, string?> services) => GatewayHost.Create(services);
}
