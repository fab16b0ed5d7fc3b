using System.Net;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>The gateway's limits as the seller apps and the providers meet them (defaults, as in production).</summary>
public sealed class EdgeLimitTests(SystemFixture system)
{
    [Fact]
    public async Task Control_requests_over_the_per_client_limit_get_429_with_retry_after_and_other_clients_do_not()
    {
        var owner = await Scenario.SellerWithChannelAsync(system, joinAgora: false);
        var other = await Scenario.SellerWithChannelAsync(system, joinAgora: false);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 105 && refused is null; i++)
        {
            var response = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{owner.Channel.Id}/rtc-token", owner.SellerToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        // The scenario itself made two control requests (create the channel, take a token).
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(98, "the default is 100 control requests per 15 minutes per client");
        refused.Should().NotBeNull();
        refused!.Headers.RetryAfter!.Delta.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(15));
        var problem = await refused.Content.ReadAsStringAsync();
        problem.Should().Contain("\"status\":429").And.Contain("control requests");
        refused.Dispose();
        (await system.Gateway.RtcTokenAsync(other.SellerToken, other.Channel.Id)).Role.Should().Be("publisher", "the limit is per client");
        (await system.Gateway.StatusAsync(owner.SellerToken, owner.Channel.Id)).IsActive.Should().BeFalse("viewer reads have a limit of their own");
    }

    [Fact]
    public async Task Two_hundred_provider_webhooks_in_a_second_are_all_accepted()
    {
        var secret = await system.EnvironmentOfAsync(KnownResources.AgoraEmulator, "AGORA_NCS_SECRET");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            // A presence event for a channel that does not exist: verified, recorded, then ignored.
            var body = $$$"""{"noticeId":"burst-{{{Guid.NewGuid():N}}}","productId":1,"eventType":103,"notifyMs":1,"payload":{"channelName":"ch_{{{Guid.NewGuid():N}}}","uid":{{{i + 1}}},"clientSeq":1}}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/agora")
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Agora-Signature-V2", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
            using var response = await system.Gateway.Http.SendAsync(request);
            return response.StatusCode;
        }));

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK, "webhooks are exempt from every limit: a refused provider retries late or never");
    }
}
