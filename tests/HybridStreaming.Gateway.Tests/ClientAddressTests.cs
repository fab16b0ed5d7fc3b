using System.Net;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>Per-address limits behind a load balancer: the forwarded client counts, but only from a proxy the operator named.</summary>
public sealed class ClientAddressTests
{
    [Fact]
    public async Task Behind_a_known_proxy_each_forwarded_client_has_its_own_allowance_and_others_cannot_pick_theirs()
    {
        await using var gateway = Gateway(new() { ["GATEWAY_KNOWN_PROXIES"] = "10.0.0.1", ["RATE_LIMIT_GUEST_PER_MINUTE"] = "2" });

        var first = await IssueAsync(gateway, "10.0.0.1", "203.0.113.5", times: 3);
        var second = await IssueAsync(gateway, "10.0.0.1", "203.0.113.6", times: 1);
        var spoofing = await IssueAsync(gateway, "10.0.0.9", null, times: 3, forwardedForEach: i => $"198.51.100.{i}");

        first.Should().Equal(200, 200, 429);
        second.Should().Equal([200], "another client behind the same balancer has an allowance of its own");
        spoofing.Should().Equal([200, 200, 429], "a header from an unknown peer is ignored: the peer's own address counts");
    }

    [Fact]
    public void Start_up_fails_naming_a_proxy_that_is_not_an_address()
    {
        using var gateway = Gateway(new() { ["GATEWAY_KNOWN_NETWORKS"] = "10.0.0.0/8, lb.internal" });

        var start = () => gateway.Server;

        start.Should().Throw<InvalidOperationException>().WithMessage("*GATEWAY_KNOWN_NETWORKS*'lb.internal'*");
    }

    private static async Task<List<int>> IssueAsync(
        WebApplicationFactory<Program> gateway, string peer, string? forwardedFor, int times, Func<int, string>? forwardedForEach = null)
    {
        var statuses = new List<int>();
        for (var i = 0; i < times; i++)
        {
            var header = forwardedForEach?.Invoke(i) ?? forwardedFor;
            var context = await gateway.Server.SendAsync(context =>
            {
                context.Request.Method = HttpMethods.Post;
                context.Request.Path = "/api/viewers/guest";
                context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
                if (header is not null)
                {
                    context.Request.Headers["X-Forwarded-For"] = header;
                }
            });
            statuses.Add(context.Response.StatusCode);
        }

        return statuses;
    }

    private static WebApplicationFactory<Program> Gateway(Dictionary<string, string?> settings) =>
        GatewayHost.Create(settings.Concat(new Dictionary<string, string?>
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = "http://127.0.0.1:9",
            [$"services:{KnownResources.CostApi}:http:0"] = "http://127.0.0.1:9",
            ["GUEST_TOKEN_SIGNING_KEY"] = "client-address-tests-guest-key-of-at-least-32-bytes",
        }));
}
