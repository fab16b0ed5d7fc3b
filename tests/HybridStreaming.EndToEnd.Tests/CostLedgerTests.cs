using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Contracts.Cost;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Contracts.Relay;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Npgsql;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// The cost ledger end to end: a session with buyers watching ends, the Cost service gathers the facts
/// the other services published and writes the ledger, which the seller reads through the gateway.
/// </summary>
public sealed class CostLedgerTests(SystemFixture system)
{
    /// <summary>Time-to-ledger is a benchmark figure (docs/benchmarks.md); this only bounds a stuck ledger.</summary>
    private static readonly TimeSpan LedgerTimeout = TimeSpan.FromMinutes(2);

    // HD list prices per 1,000 minutes (docs/costs.md), written out so the test does not trust the code it checks.
    private const decimal Host = 3.99m;
    private const decimal Recording = 5.99m;
    private const decimal InteractiveAudience = 3.99m;
    private const decimal Transcoding = 1.99m;
    private const decimal Storage = 5.00m;
    private const decimal Delivery = 1.00m;

    private static readonly (Type Event, string Queue)[] Facts =
    [
        (typeof(StreamStartRequested), "cost-stream-start-requested"),
        (typeof(StreamEnded), "cost-stream-ended"),
        (typeof(ViewerUsageReported), "cost-viewer-usage-reported"),
        (typeof(RecordingStopped), "cost-recording-stopped"),
        (typeof(RelayStopped), "cost-relay-stopped"),
    ];

    [Fact]
    public async Task A_watched_session_costs_what_its_facts_say_to_the_cent_and_repeats_or_reversed_facts_change_nothing()
    {
        var amqp = await system.App.ConnectionStringAsync(KnownResources.RabbitMq);
        var taps = new Dictionary<Type, EventTap>();
        foreach (var (type, _) in Facts)
        {
            taps[type] = await EventTap.StartAsync(amqp, type);
        }

        await using var recorded = await EventTap.StartAsync(amqp, typeof(SessionCostRecorded));
        try
        {
            var scenario = await Scenario.SellerWithChannelAsync(system);
            var live = await scenario.GoLiveAndWaitAsync();
            live.Mode.Should().Be("hybrid");
            var sessionId = live.SessionId!.Value;

            // Three buyers: two watch over HLS, one as an Agora audience, for a few beats.
            var hls = new[] { (await system.Gateway.GuestAsync()).AccessToken, (await system.Gateway.GuestAsync()).AccessToken };
            var agora = (await system.Gateway.GuestAsync()).AccessToken;
            for (var beat = 0; beat < 4; beat++)
            {
                foreach (var guest in hls)
                {
                    await system.Gateway.HeartbeatAsync(guest, scenario.Channel.Id, "hls");
                }

                await system.Gateway.HeartbeatAsync(agora, scenario.Channel.Id, "agora");
                await Task.Delay(TimeSpan.FromSeconds(SystemFixture.HeartbeatSeconds), TestContext.Current.CancellationToken);
            }

            var stopping = Stopwatch.StartNew();
            await scenario.StopAndWaitAsync();
            var session = await Eventually.ValueAsync(
                () => SessionCostAsync(scenario.SellerToken, sessionId),
                cost => cost?.GetProperty("status").GetString() == "complete",
                LedgerTimeout,
                "the session's ledger to be complete",
                TimeSpan.FromMilliseconds(250));
            var timeToLedger = stopping.Elapsed;
            TestContext.Current.SendDiagnosticMessage($"time to ledger (stop request → complete ledger through the gateway): {timeToLedger.TotalSeconds:0.0} s");

            // The expectation, from the facts as the other services published them.
            await Eventually.TrueAsync(
                () => taps.Values.All(tap => tap.ForSession(sessionId).Count > 0), TimeSpan.FromSeconds(30), "every fact of the session at the test's taps");
            var ended = Single(taps, typeof(StreamEnded), sessionId);
            var usage = Single(taps, typeof(ViewerUsageReported), sessionId);
            var recording = Single(taps, typeof(RecordingStopped), sessionId);
            var relay = Single(taps, typeof(RelayStopped), sessionId);
            Single(taps, typeof(StreamStartRequested), sessionId).GetProperty("sellerId").GetString().Should().Be(scenario.Channel.SellerId);
            recording.GetProperty("tier").GetString().Should().Be("hd");
            var sellerMinutes = ended.GetProperty("liveSeconds").GetInt64() / 60m;
            var recordingMinutes = Number(recording.GetProperty("minutes"));
            var relayMinutes = Number(relay.GetProperty("minutes"));
            var hlsMinutes = Number(usage.GetProperty("hlsViewerMinutes"));
            var agoraMinutes = Number(usage.GetProperty("agoraViewerMinutes"));
            hlsMinutes.Should().BePositive("two buyers watched over HLS");
            agoraMinutes.Should().BePositive("one buyer watched as an Agora audience");
            var expectedHybrid = ((sellerMinutes * Host) + (recordingMinutes * Recording)
                + (relayMinutes * (InteractiveAudience + Transcoding + Storage)) + (hlsMinutes * Delivery) + (agoraMinutes * InteractiveAudience)) / 1000m;
            var expectedAgoraOnly = ((sellerMinutes * Host) + (recordingMinutes * Recording) + ((hlsMinutes + agoraMinutes) * InteractiveAudience)) / 1000m;

            var cost = session!.Value;
            cost.GetProperty("mode").GetString().Should().Be("hybrid");
            cost.GetProperty("revision").GetInt32().Should().Be(1);
            cost.GetProperty("unconfirmed").GetArrayLength().Should().Be(0);
            Cents(cost.GetProperty("actual").GetProperty("total").GetDecimal()).Should().Be(Cents(expectedHybrid));
            Cents(cost.GetProperty("counterfactual").GetProperty("total").GetDecimal()).Should().Be(Cents(expectedAgoraOnly));
            cost.GetProperty("actual").GetProperty("total").GetDecimal().Should().BeApproximately(expectedHybrid, 0.000001m);
            cost.GetProperty("agoraOnlyTotal").GetDecimal().Should().BeApproximately(expectedAgoraOnly, 0.000001m);
            cost.GetProperty("savingsPercent").GetDecimal().Should().BeApproximately((1m - (expectedHybrid / expectedAgoraOnly)) * 100m, 0.0001m);
            cost.GetProperty("breakEvenViewers").GetInt32().Should().Be(4);
            var items = cost.GetProperty("actual").GetProperty("items").EnumerateArray()
                .ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("quantity").GetDecimal());
            items.Should().Contain(new Dictionary<string, decimal>
            {
                ["host"] = sellerMinutes, ["recording"] = recordingMinutes, ["media-push"] = relayMinutes,
                ["storage"] = relayMinutes, ["delivery"] = hlsMinutes, ["audience"] = agoraMinutes,
            });
            cost.GetProperty("lines").EnumerateArray().Should().OnlyContain(l => l.GetProperty("confirmed").GetBoolean());

            // Every fact again, twice, under new message ids and in reverse order, plus one redelivery
            // under its own id: the inbox stops the redelivery, the ledger's key the rest.
            var resent = new List<Guid>();
            foreach (var round in Enumerable.Range(0, 2))
            {
                foreach (var (type, queue) in Enumerable.Reverse(Facts))
                {
                    var envelope = taps[type].EnvelopesForSession(sessionId).Single();
                    var id = Guid.NewGuid();
                    resent.Add(id);
                    await taps[type].SendAsync(queue, envelope, id);
                    if (round == 0 && type == typeof(StreamEnded))
                    {
                        await taps[type].SendAsync(queue, envelope, envelope.GetProperty("messageId").GetGuid());
                    }
                }
            }

            await Eventually.TrueAsync(
                async () => await ProcessedAsync(resent) == resent.Count,
                LedgerTimeout,
                "the Cost service to have consumed every repeated fact");
            var again = (await SessionCostAsync(scenario.SellerToken, sessionId))!.Value;
            again.GetProperty("revision").GetInt32().Should().Be(1, "no repeated fact is new");
            again.GetProperty("lines").GetRawText().Should().Be(cost.GetProperty("lines").GetRawText());
            again.GetProperty("recordedAt").GetDateTimeOffset().Should().Be(cost.GetProperty("recordedAt").GetDateTimeOffset());
            recorded.ForSession(sessionId).Should().ContainSingle("the ledger was written once");

            // The same facts for another session, reversed and each twice, reach the same ledger.
            var copy = Guid.NewGuid();
            foreach (var (type, queue) in Enumerable.Reverse(Facts))
            {
                var envelope = WithSession(taps[type].EnvelopesForSession(sessionId).Single(), copy);
                await taps[type].SendAsync(queue, envelope, Guid.NewGuid());
                await taps[type].SendAsync(queue, envelope, Guid.NewGuid());
            }

            var reversed = await Eventually.ValueAsync(
                () => SessionCostAsync(scenario.SellerToken, copy),
                c => c?.GetProperty("status").GetString() == "complete",
                LedgerTimeout,
                "the reversed copy's ledger to be complete",
                TimeSpan.FromMilliseconds(250));
            reversed!.Value.GetProperty("revision").GetInt32().Should().Be(1);
            reversed.Value.GetProperty("actual").GetProperty("total").GetDecimal().Should().Be(cost.GetProperty("actual").GetProperty("total").GetDecimal());
            reversed.Value.GetProperty("agoraOnlyTotal").GetDecimal().Should().Be(cost.GetProperty("agoraOnlyTotal").GetDecimal());

            // Reports through the gateway: the seller's own figures, and nothing of theirs for another seller.
            var other = await system.Gateway.TokenAsync("seller-" + Guid.NewGuid().ToString("N")[..8], "seller");
            var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..8], "buyer");
            using var foreign = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/costs/sessions/{sessionId}", other);
            using var foreignChannel = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/costs/channels/{scenario.Channel.Id}", other);
            using var forBuyer = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/summary", buyer);
            using var badPeriod = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/daily?from=2026-13-01&to=yesterday", scenario.SellerToken);
            foreign.StatusCode.Should().Be(HttpStatusCode.NotFound);
            foreignChannel.StatusCode.Should().Be(HttpStatusCode.NotFound);
            forBuyer.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            badPeriod.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await badPeriod.Content.ReadAsStringAsync()).Should().Contain("\"from\"").And.Contain("\"to\"");

            var bothTotal = cost.GetProperty("actual").GetProperty("total").GetDecimal() * 2;
            var bothAgoraOnly = cost.GetProperty("agoraOnlyTotal").GetDecimal() * 2;
            var summary = await GetAsync(scenario.SellerToken, "/api/costs/summary");
            var channel = await GetAsync(scenario.SellerToken, $"/api/costs/channels/{scenario.Channel.Id}");
            var daily = await GetAsync(scenario.SellerToken, "/api/costs/daily");
            foreach (var totals in new[] { summary, channel })
            {
                totals.GetProperty("sessions").GetInt32().Should().Be(2);
                totals.GetProperty("sessionsByMode").GetProperty("hybrid").GetInt32().Should().Be(2);
                totals.GetProperty("total").GetDecimal().Should().Be(bothTotal);
                totals.GetProperty("agoraOnlyEquivalent").GetDecimal().Should().Be(bothAgoraOnly);
                totals.GetProperty("savingsPercent").GetDecimal().Should().BeApproximately((1m - (bothTotal / bothAgoraOnly)) * 100m, 0.0001m);
                totals.GetProperty("costPer1000ViewerHours").GetDecimal().Should().BeApproximately(
                    bothTotal / (2 * (hlsMinutes + agoraMinutes) / 60m) * 1000m, 0.0001m);
            }

            var today = daily.GetProperty("days").EnumerateArray().Last();
            today.GetProperty("date").GetString().Should().Be(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            today.GetProperty("total").GetDecimal().Should().Be(bothTotal);
            daily.GetProperty("days").GetArrayLength().Should().Be(30);

            await scenario.LeaveAgoraAsync();
        }
        finally
        {
            foreach (var tap in taps.Values)
            {
                await tap.DisposeAsync();
            }
        }
    }

    private async Task<JsonElement?> SessionCostAsync(string token, Guid sessionId)
    {
        using var response = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/costs/sessions/{sessionId}", token);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> GetAsync(string token, string path)
    {
        using var response = await system.Gateway.SendAsync(HttpMethod.Get, path, token);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>How many of <paramref name="messageIds"/> the Cost service's inbox recorded (each consumed and committed).</summary>
    private async Task<int> ProcessedAsync(IReadOnlyList<Guid> messageIds)
    {
        await using var connection = new NpgsqlConnection(await system.App.ConnectionStringAsync(KnownResources.CostsDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(DISTINCT message_id) FROM inbox_messages WHERE message_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", messageIds.ToArray());
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static JsonElement Single(Dictionary<Type, EventTap> taps, Type type, Guid sessionId)
    {
        var messages = taps[type].ForSession(sessionId);
        messages.Should().ContainSingle($"one {type.Name} per session");
        return messages[0];
    }

    private static JsonElement WithSession(JsonElement envelope, Guid sessionId)
    {
        var node = JsonNode.Parse(envelope.GetRawText())!;
        node["message"]!["sessionId"] = sessionId.ToString();
        return JsonSerializer.SerializeToElement(node);
    }

    /// <summary>A number as MassTransit's serializer writes it: decimals go on the wire as strings.</summary>
    private static decimal Number(JsonElement value) => value.ValueKind == JsonValueKind.String
        ? decimal.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        : value.GetDecimal();

    private static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}
