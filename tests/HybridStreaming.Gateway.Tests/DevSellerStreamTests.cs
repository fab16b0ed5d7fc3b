using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// <c>/api/dev/seller-stream</c>: the studio's stand-in for the seller's camera, forwarded to the Agora
/// emulator (here a stand-in that records what it gets): only in Development with <c>AGORA_EMULATOR_URL</c>,
/// only with an account token, with field-level 400s, the emulator's answers passed through, a 502 when it
/// is unreachable, and the RTC token in no log line.
/// </summary>
public sealed class DevSellerStreamTests
{
    private const string RtcToken = "007eJxTYBBbc2TSl-rtc-token-of-the-seller";
    private const string ChannelName = "hs-3f2504e04f8911d39a0c0305e82c3301";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_join_is_forwarded_to_the_emulator_and_its_answer_comes_back_as_it_is()
    {
        var received = new ConcurrentQueue<(string Method, string Path, string Body)>();
        await using var emulator = await StandInService.StartAsync(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((context.Request.Method, context.Request.Path.Value!, await reader.ReadToEndAsync()));
            if (HttpMethods.IsDelete(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync($"{{\"channelName\":\"{ChannelName}\",\"broadcasters\":[{{\"uid\":7}}],\"mediaLive\":false}}");
        });
        var logs = new CapturedLogs();
        await using var gateway = Gateway(emulator.Address, logs);
        using var client = await SignedInAsync(gateway);

        using var joined = await client.PostAsJsonAsync("/api/dev/seller-stream", new { channelName = ChannelName, uid = 7, token = RtcToken }, CancellationToken);
        using var left = await client.DeleteAsync($"/api/dev/seller-stream/{ChannelName}/7", CancellationToken);

        joined.StatusCode.Should().Be(HttpStatusCode.Created);
        joined.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using (var body = JsonDocument.Parse(await joined.Content.ReadAsStringAsync(CancellationToken)))
        {
            body.RootElement.GetProperty("channelName").GetString().Should().Be(ChannelName);
        }

        left.StatusCode.Should().Be(HttpStatusCode.NoContent);
        received.Should().HaveCount(2);
        var (method, path, sent) = received.ToArray()[0];
        (method, path).Should().Be(("POST", $"/__emulator/channels/{ChannelName}/broadcasters"));
        using (var json = JsonDocument.Parse(sent))
        {
            json.RootElement.GetProperty("uid").GetUInt32().Should().Be(7);
            json.RootElement.GetProperty("token").GetString().Should().Be(RtcToken);
        }

        received.ToArray()[1].Should().Be(("DELETE", $"/__emulator/channels/{ChannelName}/broadcasters/7", ""));
        logs.Lines.Should().NotBeEmpty().And.NotContain(line => line.Contains(RtcToken), "the RTC token is a secret");
    }

    [Fact]
    public async Task The_emulators_refusal_is_passed_through_with_its_problem_details()
    {
        await using var emulator = await StandInService.StartAsync(async context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"uid 7 cannot join: the token has expired\"}");
        });
        await using var gateway = Gateway(emulator.Address);
        using var client = await SignedInAsync(gateway);

        using var response = await client.PostAsJsonAsync("/api/dev/seller-stream", new { channelName = ChannelName, uid = 7, token = RtcToken }, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync(CancellationToken)).Should().Contain("the token has expired");
    }

    [Fact]
    public async Task An_unreachable_emulator_is_a_502_problem()
    {
        await using var gateway = Gateway("http://127.0.0.1:9");
        using var client = await SignedInAsync(gateway);

        using var response = await client.PostAsJsonAsync("/api/dev/seller-stream", new { channelName = ChannelName, uid = 7, token = RtcToken }, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync(CancellationToken)).Should().Contain("The Agora emulator is unreachable.").And.NotContain(RtcToken);
    }

    public static TheoryData<string, string[]> InvalidJoins() => new()
    {
        { "{}", ["channelName", "uid", "token"] },
        { $"{{\"channelName\":\"a/b\",\"uid\":7,\"token\":\"{RtcToken}\"}}", ["channelName"] },
        { $"{{\"channelName\":\"{new string('c', 65)}\",\"uid\":7,\"token\":\"{RtcToken}\"}}", ["channelName"] },
        { $"{{\"channelName\":\"{ChannelName}\",\"uid\":0,\"token\":\"{RtcToken}\"}}", ["uid"] },
        { $"{{\"channelName\":\"{ChannelName}\",\"uid\":4294967296,\"token\":\"{RtcToken}\"}}", ["uid"] },
        { $"{{\"channelName\":\"{ChannelName}\",\"uid\":7,\"token\":\"two words\"}}", ["token"] },
    };

    [Theory]
    [MemberData(nameof(InvalidJoins))]
    public async Task An_invalid_join_is_a_400_naming_each_field_and_reaches_no_emulator(string body, string[] fields)
    {
        await using var emulator = await StandInService.StartAsync("agora-emulator");
        await using var gateway = Gateway(emulator.Address);
        using var client = await SignedInAsync(gateway);

        using var response = await client.PostAsync("/api/dev/seller-stream", new StringContent(body, MediaTypeHeaderValue.Parse("application/json")), CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).Should().BeEquivalentTo(fields);
        emulator.Requests.Should().Be(0);
    }

    [Theory]
    [InlineData("/api/dev/seller-stream/hs-1/0", "uid")]
    [InlineData("/api/dev/seller-stream/hs-1/seven", "uid")]
    [InlineData("/api/dev/seller-stream/hs%2A1/7", "channelName")]
    public async Task An_invalid_leave_is_a_400_naming_the_field(string path, string field)
    {
        await using var emulator = await StandInService.StartAsync("agora-emulator");
        await using var gateway = Gateway(emulator.Address);
        using var client = await SignedInAsync(gateway);

        using var response = await client.DeleteAsync(path, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));
        problem.RootElement.GetProperty("errors").EnumerateObject().Select(error => error.Name).Should().Equal(field);
        emulator.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Without_an_account_token_it_is_401()
    {
        await using var emulator = await StandInService.StartAsync("agora-emulator");
        await using var gateway = Gateway(emulator.Address);
        using var client = gateway.CreateClient();

        using var join = await client.PostAsJsonAsync("/api/dev/seller-stream", new { channelName = ChannelName, uid = 7, token = RtcToken }, CancellationToken);
        using var leave = await client.DeleteAsync($"/api/dev/seller-stream/{ChannelName}/7", CancellationToken);

        join.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        leave.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        emulator.Requests.Should().Be(0);
    }

    [Theory]
    [InlineData("Production", "http://127.0.0.1:8091")]
    [InlineData("Development", null)]
    public async Task Outside_Development_or_without_the_emulator_it_does_not_exist(string environment, string? emulatorUrl)
    {
        await using var gateway = Gateway(emulatorUrl, environment: environment);
        using var client = gateway.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/dev/seller-stream", new { channelName = ChannelName, uid = 7, token = RtcToken }, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public void A_malformed_emulator_url_is_a_start_up_error()
    {
        using var gateway = Gateway("127.0.0.1:8091");

        ((Action)(() => gateway.CreateClient())).Should().Throw<InvalidOperationException>().WithMessage("*AGORA_EMULATOR_URL*127.0.0.1:8091*");
    }

    /// <summary>A client with a seller's development token.</summary>
    private static async Task<HttpClient> SignedInAsync(WebApplicationFactory<Program> gateway)
    {
        var client = gateway.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/dev/token", new { userId = "ana", role = "seller" }, CancellationToken);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<DevTokenResponse>(CancellationToken))!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static WebApplicationFactory<Program> Gateway(string? emulatorUrl, CapturedLogs? logs = null, string environment = "Development")
    {
        var gateway = GatewayHost.Create(
            new Dictionary<string, string?>
            {
                [$"services:{KnownResources.ChannelsApi}:http:0"] = "http://127.0.0.1:9",
                [$"services:{KnownResources.CostApi}:http:0"] = "http://127.0.0.1:9",
                [DevSellerStreamApi.EmulatorUrlKey] = emulatorUrl,
            },
            environment);
        return logs is null
            ? gateway
            : gateway.WithWebHostBuilder(web => web.ConfigureLogging(logging => logging
                .AddProvider(logs)
                .AddFilter<CapturedLogs>(category: null, LogLevel.Trace)));
    }

    /// <summary>Every log line of every category, at every level.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull
            {
                lines.Enqueue($"{category} scope {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {exception}");
        }
    }
}
