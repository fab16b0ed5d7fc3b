using System.Net;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>Who may do what, and what a forged or repeated provider notification does.</summary>
public sealed class SecurityTests(SystemFixture system)
{
    [Fact]
    public async Task The_api_without_a_token_is_401()
    {
        using var list = await system.Gateway.SendAsync(HttpMethod.Get, "/api/channels", token: null);
        using var create = await system.Gateway.SendAsync(HttpMethod.Post, "/api/channels", token: null, new { title = "x" });

        list.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        create.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_seller_cannot_manage_the_channel_403_and_a_buyer_cannot_create_one()
    {
        var owner = await Scenario.SellerWithChannelAsync(system, joinAgora: false);
        var intruder = await system.Gateway.TokenAsync("intruder-" + Guid.NewGuid().ToString("N")[..6], "seller");
        var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..6], "buyer");

        using var goLive = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{owner.Channel.Id}/live", intruder);
        using var update = await system.Gateway.SendAsync(HttpMethod.Put, $"/api/channels/{owner.Channel.Id}", intruder, new { title = "mine now" });
        using var delete = await system.Gateway.SendAsync(HttpMethod.Delete, $"/api/channels/{owner.Channel.Id}", intruder);
        using var create = await system.Gateway.SendAsync(HttpMethod.Post, "/api/channels", buyer, new { title = "buyer shop" });

        goLive.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        update.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        delete.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        create.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await goLive.Content.ReadAsStringAsync()).Should().Contain("\"status\":403");
    }

    [Fact]
    public async Task A_buyer_gets_a_subscriber_token_and_the_seller_a_publisher_token()
    {
        var owner = await Scenario.SellerWithChannelAsync(system, joinAgora: false);
        var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..6], "buyer");

        var buyerRtc = await system.Gateway.RtcTokenAsync(buyer, owner.Channel.Id);

        owner.Rtc.Role.Should().Be("publisher");
        buyerRtc.Role.Should().Be("subscriber");
        buyerRtc.Uid.Should().NotBe(owner.Rtc.Uid);
        buyerRtc.ChannelName.Should().Be(owner.Channel.AgoraChannelName).And.Be("ch_" + owner.Channel.Id.ToString("N"));
        buyerRtc.Token.Should().StartWith("007");
        (await system.Gateway.RtcTokenAsync(owner.SellerToken, owner.Channel.Id)).Uid.Should().Be(owner.Rtc.Uid, "a user's uid is stable");
    }

    [Fact]
    public async Task Invalid_input_gets_a_400_problem_naming_the_field_and_changes_nothing()
    {
        var token = await system.Gateway.TokenAsync("seller-" + Guid.NewGuid().ToString("N")[..6], "seller");

        using var empty = await system.Gateway.SendAsync(HttpMethod.Post, "/api/channels", token, new { title = "", description = "x" });
        using var tooLong = await system.Gateway.SendAsync(HttpMethod.Post, "/api/channels", token, new { title = new string('t', 121) });
        using var notJson = await system.Gateway.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/channels")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = new StringContent("{\"title\": ", Encoding.UTF8, "application/json"),
        });
        using var badId = await system.Gateway.SendAsync(HttpMethod.Get, "/api/channels/not-a-guid/status", token);
        using var mine = await system.Gateway.SendAsync(HttpMethod.Get, "/api/channels?sellerId=nobody-" + Guid.NewGuid(), token);

        empty.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await empty.Content.ReadAsStringAsync()).Should().Contain("\"title\"").And.Contain("Title is required");
        tooLong.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await tooLong.Content.ReadAsStringAsync()).Should().Contain("at most 120");
        notJson.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        badId.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await badId.Content.ReadAsStringAsync()).Should().Contain("id");
        (await mine.Content.ReadAsStringAsync()).Should().Be("[]");
    }

    [Fact]
    public async Task A_forged_agora_webhook_is_401()
    {
        var body = """{"noticeId":"forged-1","productId":1,"eventType":104,"notifyMs":1,"payload":{"channelName":"ch_x","uid":1,"clientSeq":1}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/agora")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Agora-Signature-V2", new string('0', 64));

        using var response = await system.Gateway.Http.SendAsync(request);
        using var unsigned = await system.Gateway.Http.PostAsync("/api/webhooks/cloudflare", new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unsigned.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_same_webhook_twice_has_one_effect()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();
        var secret = await system.EnvironmentOfAsync(KnownResources.AgoraEmulator, "AGORA_NCS_SECRET");
        var noticeId = "test-" + Guid.NewGuid().ToString("N");
        var body = $$$"""{"noticeId":"{{{noticeId}}}","productId":1,"eventType":104,"notifyMs":1,"payload":{"channelName":"{{{scenario.Rtc.ChannelName}}}","uid":{{{scenario.Rtc.Uid}}},"clientSeq":9000000000,"reason":1}}""";

        var first = await PostSignedAsync(body, secret);
        var second = await PostSignedAsync(body, secret);

        first.Should().Contain("applied");
        second.Should().Contain("duplicate");
        // The one effect: the seller counts as gone, and the grace period ends the session.
        var ended = await system.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.State == "ended", Scenario.Generous, "the grace period to end the session");
        ended.Reason.Should().Contain("grace-expired");
    }

    private async Task<string> PostSignedAsync(string body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/agora")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Agora-Signature-V2", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))));
        using var response = await system.Gateway.Http.SendAsync(request);
        await GatewayClient.EnsureAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }
}
