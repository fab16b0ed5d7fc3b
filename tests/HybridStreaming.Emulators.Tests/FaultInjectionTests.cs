using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests;

/// <summary>
/// <c>/__emulator/faults</c> (architecture §8.5) and webhook delivery: retries, drops, duplicates,
/// reordering. Faults are global to an emulator, so each test matches only paths or events of its own.
/// </summary>
public sealed class FaultInjectionTests(EmulatorsFixture fixture)
{
    private readonly EmulatorTopology _t = fixture.Topology;

    private async Task<string> AddFaultAsync(HttpClient client, object fault)
    {
        var response = await client.PostJsonAsync("/__emulator/faults", fault);
        response.Status.Should().Be(201, response.Body?.ToJsonString());
        return response.Body!["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task An_injected_status_answers_in_the_providers_own_error_format()
    {
        var channel = "fault_" + Guid.NewGuid().ToString("N")[..8];
        await AddFaultAsync(_t.Agora, new { match = new { method = "GET", path = $"/v1/projects/*/channels/{channel}/*" }, status = 503, rate = 1.0, times = 1, ttlSeconds = 60 });
        var uid = "f" + Guid.NewGuid().ToString("N")[..31];
        await AddFaultAsync(_t.Cloudflare, new { match = new { method = "GET", path = $"*/live_inputs/{uid}" }, status = 500 });

        var agora = await _t.Agora.GetJsonAsync($"/v1/projects/{_t.Providers.AgoraAppId}/channels/{channel}/rtmp-converters");
        agora.Status.Should().Be(503);
        agora.Body!["message"].Should().NotBeNull();
        (await _t.Agora.GetJsonAsync($"/v1/projects/{_t.Providers.AgoraAppId}/channels/{channel}/rtmp-converters")).Status.Should().Be(200, "times = 1");

        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Failure(500).Should().Equal(10002);
    }

    [Fact]
    public async Task Recording_faults_use_the_code_and_reason_body_and_a_given_body_wins()
    {
        var cname = "cr_" + Guid.NewGuid().ToString("N")[..8];
        var id = await AddFaultAsync(_t.Agora, new { match = new { method = "POST", path = "/v1/apps/*/cloud_recording/acquire" }, status = 500, rate = 1.0 });
        try
        {
            var failed = await _t.Agora.PostJsonAsync($"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording/acquire", new { cname, uid = "1", clientRequest = new { } });
            failed.Status.Should().Be(500);
            failed.Body!["code"]!.GetValue<int>().Should().Be(500);
            failed.Body["reason"]!.GetValue<string>().Should().Be("internal_error");
        }
        finally
        {
            (await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/faults/{id}")).Status.Should().Be(204);
        }

        (await _t.Agora.PostJsonAsync($"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording/acquire", new { cname, uid = "1", clientRequest = new { } })).Status.Should().Be(200);
        (await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/faults/{id}")).Status.Should().Be(404);

        await AddFaultAsync(_t.Agora, new { match = new { method = "POST", path = $"/v1/apps/*/cloud_recording/acquire" }, status = 206, body = new { code = 65, reason = "request not completed" }, times = 1 });
        var partial = await _t.Agora.PostJsonAsync($"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording/acquire", new { cname, uid = "1", clientRequest = new { } });
        partial.Status.Should().Be(206);
        partial.Body!["code"]!.GetValue<int>().Should().Be(65);
    }

    [Fact]
    public async Task Rate_zero_never_applies_and_a_fault_expires_by_itself()
    {
        var uid = "e" + Guid.NewGuid().ToString("N")[..31];
        await AddFaultAsync(_t.Cloudflare, new { match = new { method = "*", path = $"*/live_inputs/{uid}" }, status = 500, rate = 0.0 });
        await AddFaultAsync(_t.Cloudflare, new { match = new { path = $"*/live_inputs/{uid}/outputs" }, status = 418, ttlSeconds = 1 });

        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Status.Should().Be(404, "the fault never fires at rate 0");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/outputs")).Status.Should().Be(418);
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/outputs")).Status.Should().Be(404, "the fault expired");
        var listed = (await _t.Cloudflare.GetJsonAsync("/__emulator/faults")).Body!.AsArray();
        listed.Should().NotContain(f => f!["match"]!["path"]!.GetValue<string>() == $"*/live_inputs/{uid}/outputs");
    }

    [Fact]
    public async Task Delay_slows_a_call_and_hang_keeps_it_until_the_client_gives_up()
    {
        var uid = "d" + Guid.NewGuid().ToString("N")[..31];
        await AddFaultAsync(_t.Cloudflare, new { match = new { method = "GET", path = $"*/live_inputs/{uid}" }, delayMs = 700, times = 1 });
        var watch = Stopwatch.StartNew();
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Status.Should().Be(404, "a delay alone lets the request through");
        watch.Elapsed.Should().BeGreaterThan(TimeSpan.FromMilliseconds(650));

        await AddFaultAsync(_t.Cloudflare, new { match = new { method = "GET", path = $"*/live_inputs/{uid}/videos" }, hang = true, ttlSeconds = 30 });
        using var impatient = new HttpClient { BaseAddress = _t.CloudflareUrl, Timeout = TimeSpan.FromSeconds(1) };
        impatient.DefaultRequestHeaders.Authorization = _t.Cloudflare.DefaultRequestHeaders.Authorization;
        var hanging = () => impatient.GetAsync($"{_t.StreamPath}/live_inputs/{uid}/videos", TestContext.Current.CancellationToken);
        await hanging.Should().ThrowAsync<TaskCanceledException>();
    }

    [Fact]
    public async Task Clearing_removes_every_fault_and_bad_fault_bodies_are_refused()
    {
        (await _t.Agora.PostJsonAsync("/__emulator/faults", new { match = new { path = "/x" } })).Status.Should().Be(400, "an HTTP fault needs status, hang or delay");
        (await _t.Agora.PostJsonAsync("/__emulator/faults", new { status = 500 })).Status.Should().Be(400, "match or webhook is required");
        (await _t.Agora.PostJsonAsync("/__emulator/faults", new { match = new { path = "/x" }, status = 500, rate = 2 })).Body!["detail"]!.GetValue<string>().Should().Contain("rate");
        (await _t.Agora.PostJsonAsync("/__emulator/faults", new { webhook = new { action = "explode" } })).Status.Should().Be(400);

        var path = "/v1/projects/nothing-" + Guid.NewGuid().ToString("N")[..6] + "/rtmp-converters";
        await AddFaultAsync(_t.Agora, new { match = new { path }, status = 500 });
        (await _t.Agora.GetJsonAsync(path)).Status.Should().Be(500);
        (await _t.Agora.SendAsync(HttpMethod.Delete, "/__emulator/faults")).Status.Should().Be(204);
        (await _t.Agora.GetJsonAsync(path)).Status.Should().Be(403, "with the fault gone the real answer comes back (unknown project)");
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_with_the_same_notice_id_and_new_signatures()
    {
        var channel = "retry_" + Guid.NewGuid().ToString("N")[..8];
        _t.Webhooks.FailNext(2, w => w.Text.Contains(channel, StringComparison.Ordinal) && EventType(w) == 101);
        await JoinAndLeaveAsync(channel);

        var creates = await Eventually.ValueAsync(
            () => Task.FromResult(Events(channel).Where(e => e.Json["eventType"]!.GetValue<int>() == 101).ToList()),
            list => list.Count >= 3, TimeSpan.FromSeconds(20), "the channel-create event delivered after two failures");
        creates.Select(e => e.Json["noticeId"]!.GetValue<string>()).Distinct().Should().ContainSingle();
        creates.Select(e => e.Headers["Agora-Signature-V2"]).Distinct().Should().HaveCountGreaterThan(1, "notifyMs changes on resend");
        creates.Should().OnlyContain(e => NcsSignatureTests_Verify(e));
        var log = (await _t.Agora.GetJsonAsync("/__emulator/webhooks")).Body!.AsArray();
        log.Should().Contain(d => d!["state"]!.GetValue<string>() == "delivered" && d["attempts"]!.AsArray().Count == 3 && d["body"]!.GetValue<string>().Contains(channel));
    }

    [Fact]
    public async Task Webhook_faults_drop_duplicate_and_reorder_deliveries()
    {
        var dropped = "drop_" + Guid.NewGuid().ToString("N")[..8];
        await AddFaultAsync(_t.Agora, new { webhook = new { action = "drop", @event = "1.101" }, times = 1 });
        await JoinAndLeaveAsync(dropped);
        await Eventually.TrueAsync(() => Events(dropped).Count >= 3, TimeSpan.FromSeconds(20), "the other events of the channel");
        Events(dropped).Select(EventType).Should().Equal(103, 104, 102);

        var duplicated = "dup_" + Guid.NewGuid().ToString("N")[..8];
        await AddFaultAsync(_t.Agora, new { webhook = new { action = "duplicate", @event = "1.103" }, times = 1 });
        await JoinAndLeaveAsync(duplicated);
        await Eventually.TrueAsync(() => Events(duplicated).Count >= 5, TimeSpan.FromSeconds(20), "five deliveries");
        var joins = Events(duplicated).Where(e => EventType(e) == 103).ToList();
        joins.Should().HaveCount(2);
        joins.Select(e => e.Json["noticeId"]!.GetValue<string>()).Distinct().Should().ContainSingle();

        var reordered = "reorder_" + Guid.NewGuid().ToString("N")[..8];
        await AddFaultAsync(_t.Agora, new { webhook = new { action = "reorder", @event = "1.101", holdMs = 3000 }, times = 1 });
        await JoinAndLeaveAsync(reordered);
        await Eventually.TrueAsync(() => Events(reordered).Count >= 4, TimeSpan.FromSeconds(20), "four deliveries");
        Events(reordered).Select(EventType).Should().Equal(103, 101, 104, 102);
    }

    private async Task JoinAndLeaveAsync(string channel)
    {
        await _t.JoinAsync(channel, 77);
        (await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/77")).Status.Should().Be(204);
    }

    private List<ReceivedWebhook> Events(string channel) =>
        [.. _t.Webhooks.Received.Where(w => w.Path == "/api/webhooks/agora" && w.Json["payload"]!["channelName"]?.GetValue<string>() == channel)];

    private static int EventType(ReceivedWebhook webhook) => webhook.Json["eventType"]!.GetValue<int>();

    private bool NcsSignatureTests_Verify(ReceivedWebhook e) =>
        Agora.NcsSignatureTests.Verifies(_t.Providers.AgoraNcsSecret, e.Body, e.Headers["Agora-Signature"], e.Headers["Agora-Signature-V2"]);
}
