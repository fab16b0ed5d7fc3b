using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// <c>GET /api/health</c> from the services' own reports (stand-ins answering <c>/health</c> and
/// <c>/health/providers</c> as a service would): which part is what, and what makes the platform degraded
/// or unhealthy. The whole topology's cases (a tripped circuit, Postgres stopped) are in the end-to-end
/// OperationsTests.
/// </summary>
public sealed class PlatformHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Ready = """{"status":"Healthy","entries":{"self":{"status":"Healthy","tags":["live"]},"db":{"status":"Healthy","tags":["postgres"]},"masstransit-bus":{"status":"Healthy","tags":["ready","masstransit"]}}}""";

    private const string ChannelsReady = """{"status":"Healthy","entries":{"db":{"status":"Healthy","tags":["postgres"]},"redis":{"status":"Healthy","tags":["redis"]},"masstransit-bus":{"status":"Healthy","tags":["masstransit"]}}}""";

    private const string ProvidersFine = """{"status":"Healthy","entries":{"agora":{"status":"Healthy","tags":["provider"]},"cloudflare":{"status":"Healthy","tags":["provider"]}}}""";

    [Fact]
    public async Task Every_part_healthy_is_a_healthy_platform()
    {
        await using var platform = await Platform.StartAsync();

        var (status, report) = await platform.HealthAsync();

        status.Should().Be(HttpStatusCode.OK);
        report.GetProperty("status").GetString().Should().Be("healthy");
        report.GetProperty("services").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(
            ["agora", "cloudflare", "channels-api", "recording-worker", "relay-worker", "cost-api", "postgres", "redis", "rabbitmq"]);
        report.GetProperty("services").EnumerateObject().Should().OnlyContain(p => p.Value.GetProperty("status").GetString() == "healthy");
    }

    [Fact]
    public async Task An_open_circuit_seen_by_one_worker_makes_the_provider_unhealthy_and_the_platform_degraded()
    {
        await using var platform = await Platform.StartAsync(relayProviders: """{"status":"Unhealthy","entries":{"agora":{"status":"Healthy","tags":["provider"]},"cloudflare":{"status":"Unhealthy","description":"cloudflare: circuit breaker open","tags":["provider"]}}}""");

        var (status, report) = await platform.HealthAsync();

        status.Should().Be(HttpStatusCode.OK, "a reduced mode still serves");
        report.GetProperty("status").GetString().Should().Be("degraded");
        Part(report, "cloudflare").Should().Be(("unhealthy", "unhealthy as seen by relay-worker"));
        Part(report, "agora").Status.Should().Be("healthy");
        Part(report, "relay-worker").Status.Should().Be("healthy", "the worker itself answers");
    }

    [Fact]
    public async Task A_worker_that_does_not_answer_is_unhealthy_and_the_platform_degraded()
    {
        await using var platform = await Platform.StartAsync(recordingDown: true);

        var (status, report) = await platform.HealthAsync();

        status.Should().Be(HttpStatusCode.OK);
        report.GetProperty("status").GetString().Should().Be("degraded");
        Part(report, "recording-worker").Should().Be(("unhealthy", "unreachable"));
        Part(report, "agora").Status.Should().Be("healthy", "the services that did answer see it healthy");
    }

    [Fact]
    public async Task The_database_down_for_a_service_makes_the_platform_unhealthy_with_503()
    {
        await using var platform = await Platform.StartAsync(costReady: (StatusCodes.Status503ServiceUnavailable,
            """{"status":"Unhealthy","entries":{"db":{"status":"Unhealthy","error":"NpgsqlException: Failed to connect to 10.0.0.5:5432","tags":["postgres"]},"masstransit-bus":{"status":"Healthy","tags":["masstransit"]}}}"""));

        var (status, report) = await platform.HealthAsync();

        status.Should().Be(HttpStatusCode.ServiceUnavailable);
        report.GetProperty("status").GetString().Should().Be("unhealthy");
        Part(report, "postgres").Should().Be(("unhealthy", "unhealthy as seen by cost-api"));
        Part(report, "cost-api").Status.Should().Be("unhealthy");
        report.ToString().Should().NotContain("10.0.0.5", "no internal address leaves through a public endpoint");
    }

    [Fact]
    public async Task Many_callers_at_once_share_one_round_of_probes()
    {
        await using var platform = await Platform.StartAsync();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => platform.HealthAsync()));

        platform.Channels.Requests.Should().Be(2, "one /health and one /health/providers within the 2 s the answer is shared");
    }

    private static (string Status, string Detail) Part(JsonElement report, string name)
    {
        var part = report.GetProperty("services").GetProperty(name);
        return (part.GetProperty("status").GetString()!, part.GetProperty("detail").GetString()!);
    }

    private sealed class Platform : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _parts = [];
        private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _gateway = null!;
        private HttpClient _client = null!;

        public StandInService Channels { get; private set; } = null!;

        public static async Task<Platform> StartAsync(string? relayProviders = null, bool recordingDown = false, (int Status, string Body)? costReady = null)
        {
            var platform = new Platform();
            platform.Channels = await Service(platform, ChannelsReady, ProvidersFine);
            var settings = new Dictionary<string, string?>
            {
                [$"services:{KnownResources.ChannelsApi}:http:0"] = platform.Channels.Address,
                [$"services:{KnownResources.CostApi}:http:0"] = (await Service(platform, costReady?.Body ?? Ready, ProvidersFine, costReady?.Status ?? 200)).Address,
                [$"services:{KnownResources.RelayWorker}:http:0"] = (await Service(platform, Ready, relayProviders ?? ProvidersFine)).Address,
                // A port nothing listens on.
                [$"services:{KnownResources.RecordingWorker}:http:0"] = recordingDown
                    ? $"http://127.0.0.1:{FreePort()}"
                    : (await Service(platform, Ready, ProvidersFine)).Address,
            };
            platform._gateway = GatewayHost.Create(settings);
            platform._client = platform._gateway.CreateClient();
            return platform;
        }

        public async Task<(HttpStatusCode Status, JsonElement Report)> HealthAsync()
        {
            using var response = await _client.GetAsync(new Uri("/api/health", UriKind.Relative), Ct);
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            return (response.StatusCode, document.RootElement.Clone());
        }

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        private static async Task<StandInService> Service(Platform platform, string ready, string providers, int readyStatus = 200)
        {
            var service = await StandInService.StartAsync(async context =>
            {
                var providersPath = context.Request.Path == "/health/providers";
                context.Response.StatusCode = providersPath ? 200 : readyStatus;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(providersPath ? providers : ready);
            });
            platform._parts.Add(service);
            return service;
        }

        public async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            if (_gateway is not null)
            {
                await _gateway.DisposeAsync();
            }

            foreach (var part in _parts)
            {
                await part.DisposeAsync();
            }
        }
    }
}
