using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// The edge's response headers on the real gateway (its Program, in-process): the Content-Security-Policy
/// and the other security headers on every kind of response, CORS for the configured origins only, start-up
/// errors that name a bad origin, and the gateway's OpenAPI document and Scalar page.
/// </summary>
public sealed partial class EdgeHeadersTests
{
    private const string PlaybackBaseUrl = "http://127.0.0.1:8092";
    private const string AppOrigin = "https://shop.example.com";
    private const string UnreachableService = "http://127.0.0.1:9";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Proxied_responses_and_the_edges_own_errors_carry_the_security_headers()
    {
        await using var channels = await StandInService.StartAsync(KnownResources.ChannelsApi);
        await using var gateway = Gateway(new()
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = channels.Address,
            [$"services:{KnownResources.CostApi}:http:0"] = UnreachableService,
        });
        using var client = gateway.CreateClient();

        using var proxied = await client.PostAsync("/api/webhooks/agora", content: null, CancellationToken);
        using var unauthorized = await client.GetAsync("/api/channels", CancellationToken);
        using var anonymousCost = await client.GetAsync("/api/costs/summary", CancellationToken);
        using var notFound = await client.GetAsync("/nothing-here", CancellationToken);

        proxied.StatusCode.Should().Be(HttpStatusCode.OK);
        channels.Requests.Should().Be(1, "the webhook went through to the service");
        unauthorized.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymousCost.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        notFound.StatusCode.Should().Be(HttpStatusCode.NotFound);
        foreach (var response in new[] { proxied, unauthorized, anonymousCost, notFound })
        {
            ShouldCarrySecurityHeaders(response);
        }
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_a_502_with_the_security_headers()
    {
        await using var gateway = Gateway(new()
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = UnreachableService,
            [$"services:{KnownResources.CostApi}:http:0"] = UnreachableService,
        });
        using var client = gateway.CreateClient();

        using var response = await client.PostAsync("/api/webhooks/agora", content: null, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        ShouldCarrySecurityHeaders(response);
    }

    [Fact]
    public async Task Without_a_playback_base_url_the_policy_allows_Cloudflare_Streams_hosts_and_the_extra_origins()
    {
        await using var gateway = Gateway(Unreachable(), playbackBaseUrl: null, extra: new()
        {
            [SecurityHeaders.ExtraOriginsKey] = "https://CDN.example.com:443/, wss://*.realtime.example.com",
        });
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/alive", CancellationToken);

        var policy = Directives(response);
        policy["connect-src"].Should().Contain(["https://*.cloudflarestream.com", "https://cdn.example.com", "wss://*.realtime.example.com"]);
        policy["script-src"].Should().Equal("'self'");
    }

    [Fact]
    public async Task The_policy_lets_Agoras_Web_SDK_reach_its_servers_on_any_port()
    {
        await using var gateway = Gateway(Unreachable());
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync("/alive", CancellationToken);

        // Agora's edge servers take secure WebSockets on ports such as 4700–5000, and a host-source without a
        // port allows only the scheme's default one; 4.24 asks the SDP endpoints on rtnsvc.com / rtesvc.com first.
        string[] agora =
        [
            "https://*.agora.io:*", "wss://*.agora.io:*", "https://*.sd-rtn.com:*", "wss://*.sd-rtn.com:*",
            "https://*.rtnsvc.com:*", "wss://*.rtnsvc.com:*", "https://*.rtesvc.com:*", "wss://*.rtesvc.com:*",
        ];
        var connect = Directives(response)["connect-src"];
        connect.Should().Contain(agora);
        connect.Should().NotContain(["https://*.agora.io", "wss://*.agora.io", "https://*.sd-rtn.com", "wss://*.sd-rtn.com"]);
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_before_authentication_and_another_origin_gets_no_grant()
    {
        await using var gateway = Gateway(Unreachable(), extra: new()
        {
            [GatewayCors.AllowedOriginsKey] = $"{AppOrigin}, http://127.0.0.1:5173",
        });
        using var client = gateway.CreateClient();

        using var allowed = await client.SendAsync(Preflight(AppOrigin), CancellationToken);
        using var other = await client.SendAsync(Preflight("https://evil.example.net"), CancellationToken);

        allowed.StatusCode.Should().Be(HttpStatusCode.NoContent, "a preflight carries no token and must not be a 401");
        Header(allowed, "Access-Control-Allow-Origin").Should().Be(AppOrigin);
        Header(allowed, "Access-Control-Allow-Methods").Should().Contain("POST");
        Header(allowed, "Access-Control-Allow-Headers").Should().ContainAll("Authorization", "Content-Type");
        Header(allowed, "Access-Control-Max-Age").Should().Be("600");
        ShouldCarrySecurityHeaders(allowed);

        other.StatusCode.Should().Be(HttpStatusCode.NoContent);
        other.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        other.Headers.Contains("Access-Control-Allow-Methods").Should().BeFalse();

        // An actual request from the app's origin may read Retry-After (429 and 503 answers carry it).
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/channels");
        request.Headers.Add("Origin", AppOrigin);
        using var actual = await client.SendAsync(request, CancellationToken);
        actual.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        Header(actual, "Access-Control-Allow-Origin").Should().Be(AppOrigin);
        Header(actual, "Access-Control-Expose-Headers").Should().Be("Retry-After");
    }

    [Fact]
    public async Task Without_allowed_origins_no_cross_origin_request_is_granted()
    {
        await using var gateway = Gateway(Unreachable());
        using var client = gateway.CreateClient();

        using var preflight = await client.SendAsync(Preflight(AppOrigin), CancellationToken);

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        preflight.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Theory]
    [InlineData(GatewayCors.AllowedOriginsKey, "https://shop.example.com, shop.example.com", "'shop.example.com'")]
    [InlineData(GatewayCors.AllowedOriginsKey, "https://shop.example.com/app", "'https://shop.example.com/app'")]
    [InlineData(GatewayCors.AllowedOriginsKey, "*", "'*'")]
    [InlineData(SecurityHeaders.ExtraOriginsKey, "ftp://files.example.com", "'ftp://files.example.com'")]
    [InlineData(SecurityHeaders.ExtraOriginsKey, "https://*.com", "'https://*.com'")]
    [InlineData(SecurityHeaders.PlaybackBaseUrlKey, "customer-abc.cloudflarestream.com", "'customer-abc.cloudflarestream.com'")]
    public void Start_up_fails_naming_a_value_that_is_not_an_origin(string key, string value, string named)
    {
        using var gateway = Gateway(Unreachable(), extra: new() { [key] = value });

        var start = () => gateway.CreateClient();

        start.Should().Throw<InvalidOperationException>().WithMessage($"*{key}*{named}*");
    }

    [Fact]
    public async Task The_gateway_serves_its_OpenAPI_document_and_in_Development_the_Scalar_page_with_a_nonce()
    {
        await using var gateway = Gateway(Unreachable());
        using var client = gateway.CreateClient();

        using var document = await client.GetAsync("/openapi/v1.json", CancellationToken);
        using var scalar = await client.GetAsync("/scalar", CancellationToken);

        document.StatusCode.Should().Be(HttpStatusCode.OK);
        using var json = JsonDocument.Parse(await document.Content.ReadAsStringAsync(CancellationToken));
        json.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).Should().Contain("/api/dev/token");
        json.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty(OpenApiExtensions.BearerScheme, out _).Should().BeTrue();

        // Scalar's inline scripts run because the page's policy names their nonce, and only on that page.
        scalar.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await scalar.Content.ReadAsStringAsync(CancellationToken);
        var nonce = NonceAttribute().Match(html).Groups[1].Value;
        nonce.Should().NotBeEmpty();
        Directives(scalar)["script-src"].Should().Equal("'self'", $"'nonce-{nonce}'");
        Directives(document)["script-src"].Should().Equal("'self'");
    }

    [Fact]
    public async Task Outside_Development_the_document_is_served_but_the_Scalar_page_is_not()
    {
        await using var gateway = Gateway(Unreachable(), environment: "Production");
        using var client = gateway.CreateClient();

        using var document = await client.GetAsync("/openapi/v1.json", CancellationToken);
        using var scalar = await client.GetAsync("/scalar", CancellationToken);

        document.StatusCode.Should().Be(HttpStatusCode.OK);
        scalar.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static void ShouldCarrySecurityHeaders(HttpResponseMessage response)
    {
        var because = $"{(int)response.StatusCode} {response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.AbsolutePath} is a response of the gateway";
        var policy = Directives(response);
        policy["default-src"].Should().Equal(["'self'"], because);
        policy["script-src"].Should().Equal(["'self'"], because);
        policy["object-src"].Should().Equal(["'none'"], because);
        policy["base-uri"].Should().Equal(["'self'"], because);
        policy["frame-ancestors"].Should().Equal(["'none'"], because);
        policy["form-action"].Should().Equal(["'self'"], because);
        foreach (var directive in new[] { "connect-src", "media-src", "img-src" })
        {
            policy[directive].Should().Contain([PlaybackBaseUrl, .. SecurityHeaders.AgoraOrigins], because);
        }

        policy["media-src"].Should().Contain("blob:", because);
        policy["worker-src"].Should().Contain("blob:", because);
        Header(response, "X-Content-Type-Options").Should().Be("nosniff", because);
        Header(response, "Referrer-Policy").Should().Be("strict-origin-when-cross-origin", because);
        Header(response, "X-Frame-Options").Should().Be("DENY", because);
        Header(response, "Cross-Origin-Opener-Policy").Should().Be("same-origin", because);
        response.Headers.Contains("Strict-Transport-Security").Should().BeFalse("TLS, and so HSTS, is the load balancer's");
    }

    /// <summary>The Content-Security-Policy as directive → sources; a directive that appears twice fails.</summary>
    private static Dictionary<string, string[]> Directives(HttpResponseMessage response) =>
        Header(response, "Content-Security-Policy")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1..]);

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new InvalidOperationException($"{(int)response.StatusCode} response has no {name} header.");

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/channels");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static Dictionary<string, string?> Unreachable() => new()
    {
        [$"services:{KnownResources.ChannelsApi}:http:0"] = UnreachableService,
        [$"services:{KnownResources.CostApi}:http:0"] = UnreachableService,
    };

    private static WebApplicationFactory<Program> Gateway(
        Dictionary<string, string?> services,
        string? playbackBaseUrl = PlaybackBaseUrl,
        Dictionary<string, string?>? extra = null,
        string environment = "Development") =>
        GatewayHost.Create(services.Concat(extra ?? []).Prepend(new(SecurityHeaders.PlaybackBaseUrlKey, playbackBaseUrl)), environment);

    [GeneratedRegex("<script[^>]* nonce=\"([^\"]+)\"")]
    private static partial Regex NonceAttribute();
}
