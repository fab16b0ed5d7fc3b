using System.Net;
using System.Text.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HybridStreaming.ServiceDefaults.Tests;

/// <summary>
/// <c>AddServiceOpenApi</c>/<c>MapServiceOpenApi</c> on a minimal service shaped like the Channel and Cost
/// APIs (service defaults, an authorized group, an anonymous one): the document every service serves.
/// </summary>
public sealed class ServiceOpenApiTests
{
    private const string Title = "Test API";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_has_the_endpoints_the_bearer_scheme_on_authorized_ones_and_no_infrastructure()
    {
        await using var app = await StartAsync(Environments.Production);
        using var http = new HttpClient { BaseAddress = app.Address };

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json", CancellationToken));

        var root = document.RootElement;
        root.GetProperty("info").GetProperty("title").GetString().Should().Be(Title);
        root.GetProperty("info").GetProperty("version").GetString().Should().Be("v1");
        root.GetProperty("info").GetProperty("description").GetString().Should().Be("What the test API does.");
        var paths = root.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        paths.Should().BeEquivalentTo(["/api/things/{id}", "/api/webhooks/test"]);

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        scheme.GetProperty("type").GetString().Should().Be("http");
        scheme.GetProperty("scheme").GetString().Should().Be("bearer");
        scheme.GetProperty("bearerFormat").GetString().Should().Be("JWT");

        var authorized = root.GetProperty("paths").GetProperty("/api/things/{id}").GetProperty("get");
        authorized.GetProperty("security").EnumerateArray().Select(requirement => requirement.EnumerateObject().Single().Name)
            .Should().Equal("Bearer");
        var anonymous = root.GetProperty("paths").GetProperty("/api/webhooks/test").GetProperty("post");
        anonymous.TryGetProperty("security", out _).Should().BeFalse("webhooks carry signatures, not tokens");

        // The probes and the scrape answer, but are not API.
        (await http.GetAsync("/health", CancellationToken)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/health/details", CancellationToken)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Development", HttpStatusCode.OK)]
    [InlineData("Production", HttpStatusCode.NotFound)]
    public async Task The_Scalar_page_is_served_in_Development_only(string environment, HttpStatusCode expected)
    {
        await using var app = await StartAsync(environment);
        using var http = new HttpClient { BaseAddress = app.Address };

        using var scalar = await http.GetAsync("/scalar", CancellationToken);

        scalar.StatusCode.Should().Be(expected);
        if (expected == HttpStatusCode.OK)
        {
            (await scalar.Content.ReadAsStringAsync(CancellationToken)).Should().Contain("openapi/v1.json").And.Contain(Title);
        }
    }

    private static async Task<RunningApp> StartAsync(string environment)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddServiceDefaults();
        builder.Logging.ClearProviders();
        builder.Services.AddAuthorization();
        builder.AddServiceOpenApi(Title, "What the test API does.");

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGroup("/api/things").RequireAuthorization().MapGet("/{id}", (Guid id) => Results.Ok(new { id }));
        app.MapGroup("/api/webhooks").AllowAnonymous().MapPost("/test", () => Results.Ok());
        // A probe a service might add as a minimal API: it must stay out of the document all the same.
        app.MapGet("/health/details", () => "healthy");
        app.MapServiceOpenApi();
        await app.StartAsync(CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningApp(app, new Uri(address));
    }

    private sealed record RunningApp(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
