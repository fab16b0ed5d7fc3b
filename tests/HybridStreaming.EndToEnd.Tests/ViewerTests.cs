using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// Buyers: guest access from a shared link, live presence across two Channel API replicas, and the
/// viewer usage each session reports when it ends (<see cref="SystemFixture"/>: beats every
/// <see cref="SystemFixture.HeartbeatSeconds"/> s, presence window <see cref="SystemFixture.PresenceWindowSeconds"/> s).
/// </summary>
public sealed class ViewerTests(SystemFixture system)
{
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(SystemFixture.HeartbeatSeconds);

    [Fact]
    public async Task A_guest_reads_playback_and_heartbeats_and_learns_when_the_stream_stops()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();
        var guest = await system.Gateway.GuestAsync();

        var playback = await system.Gateway.PlaybackAsync(guest.AccessToken, scenario.Channel.Id);
        var beat = await system.Gateway.HeartbeatAsync(guest.AccessToken, scenario.Channel.Id);
        // Counts move with every beat, so the gateway keeps them for at most a second.
        var status = await system.Gateway.WaitForStatusAsync(
            guest.AccessToken, scenario.Channel.Id, s => s.Viewers?.Current == 1, TimeSpan.FromSeconds(1.5), "the status to count the guest");
        var renewed = await system.Gateway.GuestAsync(guest.ViewerId);

        guest.ViewerId.Should().MatchRegex("^g-[0-9a-f]{32}$");
        guest.ExpiresAt.Should().BeCloseTo(DateTimeOffset.UtcNow.AddHours(2), TimeSpan.FromMinutes(1));
        renewed.ViewerId.Should().Be(guest.ViewerId, "a renewed token keeps the viewer id, so unique viewers mean something");
        playback.Mode.Should().Be("hybrid");
        playback.HlsUrl.Should().NotBeNullOrEmpty();
        beat.Should().BeEquivalentTo(new { State = "live", Counted = true, NextBeatSeconds = SystemFixture.HeartbeatSeconds, HlsUrl = playback.HlsUrl });
        beat.Viewers!.Current.Should().Be(1);
        status.Viewers.Should().Be(new ViewerCountsDto(1, 1));

        await scenario.StopAndWaitAsync();
        var after = await system.Gateway.HeartbeatAsync(guest.AccessToken, scenario.Channel.Id);
        after.State.Should().Be("ended", "the player learns the stream ended from its heartbeat");
        after.Counted.Should().BeFalse();
        (await system.Gateway.StatusAsync(guest.AccessToken, scenario.Channel.Id)).Viewers.Should().Be(new ViewerCountsDto(0, 1));
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task A_guest_lists_channels_live_first_with_their_viewers_and_reads_one()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system, title: "Spring sale");
        var newer = await system.Gateway.CreateChannelAsync(scenario.SellerToken, "Summer sale", "Opens in June");
        var live = await scenario.GoLiveAndWaitAsync();
        var guest = (await system.Gateway.GuestAsync()).AccessToken;
        await system.Gateway.HeartbeatAsync(guest, scenario.Channel.Id);
        using var update = await system.Gateway.SendAsync(
            HttpMethod.Put, $"/api/channels/{scenario.Channel.Id}", scenario.SellerToken, new { title = "Spring sale", description = "Everything at -20 %" });
        var updated = await GatewayClient.ReadAsync<ChannelDto>(update, HttpStatusCode.OK);

        var sellers = await system.Gateway.ChannelsAsync(guest, $"?sellerId={scenario.Channel.SellerId}");
        var active = await system.Gateway.ChannelsAsync(guest, "?live=true&limit=200");
        var watched = await system.Gateway.ChannelAsync(guest, scenario.Channel.Id);
        var idle = await system.Gateway.ChannelAsync(guest, newer.Id);
        using var invalid = await system.Gateway.SendAsync(HttpMethod.Get, "/api/channels?live=maybe&limit=0", guest);

        sellers.Select(c => c.Id).Should().Equal([scenario.Channel.Id, newer.Id], "a live channel comes before a newer one that is not live");
        sellers[0].Live.Should().BeEquivalentTo(new { live.SessionId, State = "live", Mode = "hybrid", Viewers = 1 });
        sellers[0].Live!.LiveAt.Should().NotBeNull();
        sellers[1].Live.Should().BeNull();
        active.Should().Contain(c => c.Id == scenario.Channel.Id).And.OnlyContain(c => c.Live != null);
        updated.Live!.State.Should().Be("live", "a changed channel is answered as it is read");
        watched.Should().BeEquivalentTo(new { Title = "Spring sale", Description = "Everything at -20 %", Live = new { State = "live", Viewers = 1 } });
        idle.Should().BeEquivalentTo(new { Title = "Summer sale", Description = "Opens in June", Live = (ChannelLiveDto?)null });
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync()).Should().Contain("\"live\"").And.Contain("\"limit\"");

        await scenario.StopAndWaitAsync();
        (await system.Gateway.ChannelAsync(guest, scenario.Channel.Id)).Live.Should().BeNull("an ended session is no longer shown");
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task A_guest_may_watch_and_nothing_else()
    {
        var owner = await Scenario.SellerWithChannelAsync(system, joinAgora: false);
        var guest = (await system.Gateway.GuestAsync()).AccessToken;
        var channel = $"/api/channels/{owner.Channel.Id}";

        var forbidden = new List<(string What, HttpStatusCode Status)>();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, $"{channel}/live", null),
            (HttpMethod.Delete, $"{channel}/live", null),
            (HttpMethod.Post, "/api/channels", new { title = "guest shop" }),
            (HttpMethod.Put, channel, new { title = "mine now" }),
            (HttpMethod.Delete, channel, null),
            (HttpMethod.Post, $"{channel}/rtc-token", new { role = "publisher" }),
        })
        {
            using var response = await system.Gateway.SendAsync(method, path, guest, body);
            forbidden.Add(($"{method} {path}", response.StatusCode));
        }

        var first = await SubscriberTokenAsync(guest, owner.Channel.Id);
        var second = await SubscriberTokenAsync(guest, owner.Channel.Id);

        forbidden.Should().OnlyContain(r => r.Status == HttpStatusCode.Forbidden);
        first.Role.Should().Be("subscriber");
        first.Uid.Should().BeInRange(2_000_000_000u, 3_999_999_999u, "audience uids are ephemeral, outside the stored sellers' range");
        second.Uid.Should().NotBe(first.Uid);
        (await owner.Gateway.RtcTokenAsync(owner.SellerToken, owner.Channel.Id)).Role.Should().Be("publisher");
    }

    [Fact]
    public async Task An_expired_or_foreign_guest_token_is_401_and_a_malformed_viewer_id_is_400()
    {
        var owner = await Scenario.SellerWithChannelAsync(system, joinAgora: false);
        var key = await system.EnvironmentOfAsync(KnownResources.Gateway, "GUEST_TOKEN_SIGNING_KEY");
        var expired = GuestTokens.WithKey(key, "hybridstreaming").Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow.AddHours(-3)).AccessToken;
        var foreign = GuestTokens.WithKey(new string('k', 48), "hybridstreaming").Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow).AccessToken;

        using var withExpired = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/channels/{owner.Channel.Id}/status", expired);
        using var beatExpired = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{owner.Channel.Id}/viewers/heartbeat", expired);
        using var withForeign = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/channels/{owner.Channel.Id}/playback", foreign);
        using var malformed = await system.Gateway.SendAsync(HttpMethod.Post, "/api/viewers/guest", token: null, new { viewerId = "someone-else" });

        withExpired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        beatExpired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        withForeign.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await malformed.Content.ReadAsStringAsync()).Should().Contain("\"viewerId\"");
    }

    [Fact]
    public async Task Guest_issuing_over_its_per_address_limit_is_429_with_retry_after_for_that_address_only()
    {
        // Another loopback address, so the limit spent here is not the one the other tests use.
        using var elsewhere = new HttpClient(new SocketsHttpHandler { ConnectCallback = FromAddress(IPAddress.Parse("127.0.0.2")) })
        {
            BaseAddress = system.Gateway.Http.BaseAddress,
        };

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 70; i++)
        {
            statuses.Add(await elsewhere.PostAsync("/api/viewers/guest", content: null));
        }

        var refused = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        statuses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(60, "the default is 60 guest tokens per minute per address");
        refused.Headers.RetryAfter!.Delta.Should().BePositive();
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await refused.Content.ReadAsStringAsync()).Should().Contain("\"status\":429").And.Contain("guest tokens per minute");
        (await system.Gateway.GuestAsync()).AccessToken.Should().NotBeEmpty("127.0.0.1 has its own allowance");
        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_thousand_viewers_from_one_address_beat_on_schedule_and_leavers_drop_out_within_the_window_and_a_beat()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();
        var key = await system.EnvironmentOfAsync(KnownResources.Gateway, "GUEST_TOKEN_SIGNING_KEY");
        var guests = GuestTokens.WithKey(key, "hybridstreaming");
        var tokens = Enumerable.Range(0, 1000).Select(_ => guests.Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow).AccessToken).ToList();

        // Three beats each, on the players' schedule: every viewer once per beat interval, spread evenly.
        var statuses = await BeatOnScheduleAsync(scenario.Channel.Id, tokens, rounds: 3);
        var present = await system.Gateway.ViewersAsync(tokens[0], scenario.Channel.Id);

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK, "1,000 buyers behind one address are within the viewer limit");
        present.Current.Should().Be(1000);
        present.UniqueViewers.Should().Be(1000);

        // Half stop beating; the other half go on. The leavers must be gone within the window plus one beat.
        var stayers = tokens.Take(500).ToList();
        var leftAt = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(SystemFixture.PresenceWindowSeconds + SystemFixture.HeartbeatSeconds);
        var rounds = (int)Math.Ceiling(deadline / Beat);
        await BeatOnScheduleAsync(scenario.Channel.Id, stayers, rounds);
        var remaining = await system.Gateway.ViewersAsync(tokens[0], scenario.Channel.Id);

        leftAt.Elapsed.Should().BeGreaterThanOrEqualTo(deadline);
        remaining.Current.Should().Be(500);
        remaining.Peak.Should().Be(1000);
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task With_two_channel_api_replicas_each_counts_the_viewers_of_both()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();
        using var firstHttp = new HttpClient { BaseAddress = system.App.GetEndpoint(KnownResources.ChannelsApi) };
        using var secondHttp = new HttpClient { BaseAddress = system.App.GetEndpoint($"{KnownResources.ChannelsApi}-2") };
        var first = new GatewayClient(firstHttp);
        var second = new GatewayClient(secondHttp);
        var guests = await Task.WhenAll(Enumerable.Range(0, 7).Select(_ => system.Gateway.GuestAsync()));

        await Task.WhenAll(guests.Take(3).Select(g => first.HeartbeatAsync(g.AccessToken, scenario.Channel.Id)));
        await Task.WhenAll(guests.Skip(3).Select(g => second.HeartbeatAsync(g.AccessToken, scenario.Channel.Id)));
        var seenByFirst = await first.ViewersAsync(guests[0].AccessToken, scenario.Channel.Id);
        var seenBySecond = await second.ViewersAsync(guests[0].AccessToken, scenario.Channel.Id);

        seenByFirst.Current.Should().Be(7);
        seenBySecond.Current.Should().Be(7);
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task A_state_change_shows_in_viewer_reads_within_a_second_at_the_gateway_and_on_both_replicas()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();
        var guest = (await system.Gateway.GuestAsync()).AccessToken;
        using var first = new HttpClient { BaseAddress = system.App.GetEndpoint(KnownResources.ChannelsApi) };
        using var second = new HttpClient { BaseAddress = system.App.GetEndpoint($"{KnownResources.ChannelsApi}-2") };
        var readers = new[] { system.Gateway, new GatewayClient(first), new GatewayClient(second) };
        foreach (var reader in readers)
        {
            // Every cache on the way now holds the live answer.
            (await reader.PlaybackAsync(guest, scenario.Channel.Id)).HlsUrl.Should().NotBeNull();
        }

        await system.Gateway.StopAsync(scenario.SellerToken, scenario.Channel.Id);
        var sinceStop = Stopwatch.StartNew();
        var shownAfter = await Task.WhenAll(readers.Select(async reader =>
        {
            while (sinceStop.Elapsed < TimeSpan.FromSeconds(5))
            {
                using var response = await reader.SendAsync(HttpMethod.Get, $"/api/channels/{scenario.Channel.Id}/playback", guest);
                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    return sinceStop.Elapsed;
                }

                await Task.Delay(50);
            }

            return TimeSpan.MaxValue;
        }));

        shownAfter.Should().OnlyContain(elapsed => elapsed <= TimeSpan.FromSeconds(1), "a stopped stream is no longer handed out anywhere after a second");
        await scenario.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.State == "ended", Scenario.Generous, "the session to end");
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task Every_session_reports_its_viewer_usage_once_with_minutes_per_path_and_zeros_when_nobody_watched()
    {
        await using var tap = await EventTap.StartAsync(await system.App.ConnectionStringAsync(KnownResources.RabbitMq), typeof(ViewerUsageReported));
        var watched = await Scenario.SellerWithChannelAsync(system);
        var unwatched = await Scenario.SellerWithChannelAsync(system);
        var watchedLive = await watched.GoLiveAndWaitAsync();
        var unwatchedLive = await unwatched.GoLiveAndWaitAsync();
        var viewers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => system.Gateway.GuestAsync()));

        // Four watch over HLS, two as an Agora audience, five beats each; the usage should match the time
        // between each viewer's first and last beat, to within one beat per viewer.
        var spans = new double[viewers.Length];
        await Task.WhenAll(viewers.Select(async (viewer, i) =>
        {
            var path = i < 4 ? "hls" : "agora";
            var clock = Stopwatch.StartNew();
            for (var beat = 0; beat < 5; beat++)
            {
                (await system.Gateway.HeartbeatAsync(viewer.AccessToken, watched.Channel.Id, path)).Counted.Should().BeTrue();
                if (beat < 4)
                {
                    await Task.Delay(Beat);
                }
            }

            spans[i] = clock.Elapsed.TotalMinutes;
        }));
        await watched.StopAndWaitAsync();
        await unwatched.StopAndWaitAsync();

        var reports = await Eventually.ValueAsync(
            () => Task.FromResult((Watched: tap.ForSession(watchedLive.SessionId!.Value), Unwatched: tap.ForSession(unwatchedLive.SessionId!.Value))),
            r => r.Watched.Count > 0 && r.Unwatched.Count > 0,
            TimeSpan.FromSeconds(30),
            "both sessions' ViewerUsageReported",
            TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(2));

        var oneBeatEach = (decimal)(Beat.TotalMinutes * viewers.Length);
        var report = reports.Watched.Single();
        tap.ForSession(watchedLive.SessionId!.Value).Should().HaveCount(1, "exactly one report per session");
        Decimal(report, "hlsViewerMinutes").Should().BeApproximately((decimal)spans.Take(4).Sum(), oneBeatEach);
        Decimal(report, "agoraViewerMinutes").Should().BeApproximately((decimal)spans.Skip(4).Sum(), oneBeatEach);
        Decimal(report, "viewerMinutes").Should().Be(Decimal(report, "hlsViewerMinutes") + Decimal(report, "agoraViewerMinutes"));
        report.GetProperty("peakViewers").GetInt32().Should().Be(6);
        report.GetProperty("uniqueViewers").GetInt32().Should().Be(6);
        report.GetProperty("complete").GetBoolean().Should().BeTrue();

        var zeros = tap.ForSession(unwatchedLive.SessionId!.Value).Should().ContainSingle().Subject;
        Decimal(zeros, "viewerMinutes").Should().Be(0);
        zeros.GetProperty("peakViewers").GetInt32().Should().Be(0);
        zeros.GetProperty("complete").GetBoolean().Should().BeTrue();

        var afterwards = await system.Gateway.ViewersAsync(watched.SellerToken, watched.Channel.Id);
        afterwards.Should().BeEquivalentTo(new { Current = 0, Peak = 6, UniqueViewers = 6, Complete = true });
        afterwards.ViewerMinutes.Should().Be(Decimal(report, "viewerMinutes"));
        await watched.LeaveAgoraAsync();
        await unwatched.LeaveAgoraAsync();
    }

    [Fact]
    public async Task Beats_lost_to_a_redis_outage_are_answered_uncounted_and_the_usage_report_says_it_is_incomplete()
    {
        await using var tap = await EventTap.StartAsync(await system.App.ConnectionStringAsync(KnownResources.RabbitMq), typeof(ViewerUsageReported));
        var scenario = await Scenario.SellerWithChannelAsync(system);
        var live = await scenario.GoLiveAndWaitAsync();
        var guest = (await system.Gateway.GuestAsync()).AccessToken;
        (await system.Gateway.HeartbeatAsync(guest, scenario.Channel.Id)).Counted.Should().BeTrue();

        await system.App.StopAsync(KnownResources.Redis);
        HeartbeatDto duringOutage;
        try
        {
            duringOutage = await system.Gateway.HeartbeatAsync(guest, scenario.Channel.Id);
        }
        finally
        {
            await system.App.StartAsync(KnownResources.Redis);
        }

        // The player keeps playing: the beat is answered with the session's state, just not counted.
        duringOutage.Should().BeEquivalentTo(new { State = "live", Counted = false, Viewers = (ViewerCountsDto?)null });
        await Eventually.ValueAsync(
            () => system.Gateway.HeartbeatAsync(guest, scenario.Channel.Id), beat => beat.Counted, TimeSpan.FromSeconds(60), "beats to be counted again once Redis is back", Beat);
        await scenario.StopAndWaitAsync();

        var report = await Eventually.ValueAsync(
            () => Task.FromResult(tap.ForSession(live.SessionId!.Value)), reports => reports.Count > 0, TimeSpan.FromSeconds(30), "the session's ViewerUsageReported", TimeSpan.FromMilliseconds(200));
        report.Single().GetProperty("complete").GetBoolean().Should().BeFalse("a beat was lost, so the figures are a lower bound");
        (await system.Gateway.ViewersAsync(scenario.SellerToken, scenario.Channel.Id)).Complete.Should().BeFalse();
        await scenario.LeaveAgoraAsync();
    }

    private async Task<RtcTokenDto> SubscriberTokenAsync(string token, Guid channelId)
    {
        using var response = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{channelId}/rtc-token", token);
        return await GatewayClient.ReadAsync<RtcTokenDto>(response, HttpStatusCode.OK);
    }

    /// <summary>
    /// Each token beats <paramref name="rounds"/> times, once per beat interval, the viewers' start times
    /// spread evenly over the interval (an open loop, as thousands of independent players are).
    /// </summary>
    private async Task<IReadOnlyList<HttpStatusCode>> BeatOnScheduleAsync(Guid channelId, IReadOnlyList<string> tokens, int rounds)
    {
        var clock = Stopwatch.StartNew();
        var statuses = new HttpStatusCode[tokens.Count * rounds];
        await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var due = (Beat * round) + (Beat * i / tokens.Count);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                using var response = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{channelId}/viewers/heartbeat", token);
                statuses[(round * tokens.Count) + i] = response.StatusCode;
            }
        }));
        return statuses;
    }


    /// <summary>A decimal of an event as MassTransit puts it on the wire (a string, so no precision is lost).</summary>
    private static decimal Decimal(JsonElement report, string name) =>
        report.GetProperty(name) is { ValueKind: JsonValueKind.String } text
            ? decimal.Parse(text.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : report.GetProperty(name).GetDecimal();

    private static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> FromAddress(IPAddress local) => async (context, cancellationToken) =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            var host = context.DnsEndPoint.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(context.DnsEndPoint.Host);
            await socket.ConnectAsync(new IPEndPoint(host, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
