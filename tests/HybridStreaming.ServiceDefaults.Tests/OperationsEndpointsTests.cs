using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults.Providers;
using HybridStreaming.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HybridStreaming.ServiceDefaults.Tests;

/// <summary>
/// What operators reach and what they must not: <c>/metrics</c> on the internal port only,
/// <c>/health</c> without the providers and <c>/health/providers</c> with them, and error tracking that
/// sends bugs to a Sentry-protocol server with no credential in them.
/// </summary>
public sealed class OperationsEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_answer_on_the_internal_port_only()
    {
        var (api, metrics) = (Loopback.FreePort(), Loopback.FreePort());
        await using var app = await StartAsync(api, new() { [Microsoft.Extensions.Hosting.Extensions.MetricsPortVariable] = metrics.ToString(System.Globalization.CultureInfo.InvariantCulture) }, extraPort: metrics);
        using var http = new HttpClient();

        using var onPublic = await http.GetAsync(new Uri($"http://127.0.0.1:{api}/metrics"), Ct);
        using var onInternal = await http.GetAsync(new Uri($"http://127.0.0.1:{metrics}/metrics"), Ct);

        onPublic.StatusCode.Should().Be(HttpStatusCode.NotFound, "the public port never serves metrics");
        onInternal.StatusCode.Should().Be(HttpStatusCode.OK);
        (await onInternal.Content.ReadAsStringAsync(Ct)).Should().Contain("# TYPE");
    }

    [Fact]
    public async Task Without_a_metrics_port_no_port_serves_metrics()
    {
        var api = Loopback.FreePort();
        await using var app = await StartAsync(api, []);
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{api}/metrics"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_provider_in_trouble_shows_in_health_providers_and_leaves_readiness_alone()
    {
        var api = Loopback.FreePort();
        await using var app = await StartAsync(api, [], services => services.AddHealthChecks()
            .AddCheck("cloudflare", () => HealthCheckResult.Unhealthy("cloudflare: circuit breaker open"), [ProviderHealth.Tag]));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api}") };

        using var readiness = await http.GetAsync(new Uri("/health", UriKind.Relative), Ct);
        using var providers = await http.GetAsync(new Uri("/health/providers", UriKind.Relative), Ct);

        readiness.StatusCode.Should().Be(HttpStatusCode.OK);
        using (var report = JsonDocument.Parse(await readiness.Content.ReadAsStringAsync(Ct)))
        {
            report.RootElement.GetProperty("status").GetString().Should().Be("Healthy");
            report.RootElement.GetProperty("entries").TryGetProperty("cloudflare", out _).Should().BeFalse();
        }

        providers.StatusCode.Should().Be(HttpStatusCode.OK, "the report is information for the gateway, not a probe failure");
        using (var report = JsonDocument.Parse(await providers.Content.ReadAsStringAsync(Ct)))
        {
            report.RootElement.GetProperty("status").GetString().Should().Be("Unhealthy");
            var cloudflare = report.RootElement.GetProperty("entries").GetProperty("cloudflare");
            cloudflare.GetProperty("description").GetString().Should().Contain("circuit breaker open");
            report.RootElement.GetProperty("entries").TryGetProperty("self", out _).Should().BeFalse();
        }
    }

    [Fact]
    public async Task An_unhandled_exception_reaches_sentry_without_credentials_and_a_bad_request_does_not()
    {
        var envelopes = new ConcurrentQueue<string>();
        var receiverPort = Loopback.FreePort();
        var receiver = WebApplication.CreateSlimBuilder();
        receiver.WebHost.UseUrls($"http://127.0.0.1:{receiverPort}");
        receiver.Logging.ClearProviders();
        await using var sentry = receiver.Build();
        sentry.MapPost("/api/{project}/envelope/", async (HttpContext context) =>
        {
            Stream body = context.Request.Body;
            if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body, Encoding.UTF8);
            envelopes.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
        });
        await sentry.StartAsync(Ct);

        var api = Loopback.FreePort();
        const string secret = "Bearer eyJ-very-secret-token";
        await using (var app = await StartAsync(
            api,
            new() { [ErrorTracking.DsnVariable] = $"http://0123456789abcdef0123456789abcdef@127.0.0.1:{receiverPort}/42" },
            configure: routes =>
            {
                routes.MapGet("/api/boom", string () => throw new InvalidOperationException("the checkout total went negative"));
                routes.MapGet("/api/invalid", string () => throw new RequestValidationException(new Dictionary<string, string[]> { ["title"] = ["title is required."] }));
            }))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{api}") };
            foreach (var path in new[] { "/api/invalid?key=stream-key-123", "/api/boom?key=stream-key-123" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
                request.Headers.TryAddWithoutValidation("Authorization", secret);
                request.Headers.TryAddWithoutValidation("Cookie", "session=cookie-secret");
                request.Headers.TryAddWithoutValidation("X-Webhook-Signature", "sig-secret");
                using var response = await http.SendAsync(request, Ct);
                response.StatusCode.Should().Be(path.StartsWith("/api/boom", StringComparison.Ordinal) ? HttpStatusCode.InternalServerError : HttpStatusCode.BadRequest);
            }

            await Eventually.TrueAsync(
                () => envelopes.Any(e => e.Contains("the checkout total went negative", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(20), "the 500's exception to reach Sentry");
        }

        var all = string.Join("\n", envelopes);
        all.Should().Contain("InvalidOperationException");
        all.Should().NotContain("very-secret-token").And.NotContain("cookie-secret").And.NotContain("sig-secret").And.NotContain("stream-key-123");
        all.Should().NotContain("RequestValidationException", "a caller's error is not a bug");
    }

    private static async Task<RunningApp> StartAsync(
        int port,
        Dictionary<string, string?> settings,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? configure = null,
        int? extraPort = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(extraPort is { } extra ? $"http://127.0.0.1:{port};http://127.0.0.1:{extra}" : $"http://127.0.0.1:{port}");
        builder.AddServiceDefaults();
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        configure?.Invoke(app);
        await app.StartAsync(Ct);
        return new RunningApp(app);
    }

    private sealed record RunningApp(WebApplication App) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
