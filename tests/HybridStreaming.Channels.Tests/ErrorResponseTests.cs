using System.Net;
using System.Net.Http.Json;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;

namespace HybridStreaming.Channels.Tests;

/// <summary>
/// What every service answers when a request fails unexpectedly (ServiceDefaults' exception handler),
/// on a real Kestrel host: a transient dependency failure is a 503 with Retry-After, a bug a 500 —
/// both RFC 9457 problem details with a trace id and no internals.
/// </summary>
public sealed class ErrorResponseTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        // The connection pool exhausted under a burst: what Npgsql throws after its wait for a connection.
        _app.MapGet("/pool-exhausted", IResult () => throw new NpgsqlException(
            "The connection pool has been exhausted, either raise 'Max Pool Size' (currently 100) or 'Timeout' (currently 15 seconds) in your connection string.",
            new TimeoutException()));
        _app.MapGet("/saving-failed", IResult () => throw new Microsoft.EntityFrameworkCore.DbUpdateException(
            "An error occurred while saving the entity changes.", new NpgsqlException("Exception while reading from stream", new IOException("connection reset"))));
        _app.MapGet("/bug", IResult () => throw new InvalidOperationException("secret internals"));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("/pool-exhausted")]
    [InlineData("/saving-failed")]
    public async Task A_transient_database_failure_is_a_503_with_retry_after_not_a_500(string path)
    {
        using var response = await _http.GetAsync(path, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.Should().BePositive();
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        problem!.Status.Should().Be(503);
        problem.Detail.Should().Contain("Try again");
        problem.Extensions.Should().ContainKey("traceId");
        problem.Detail.Should().NotContain("Max Pool Size", "internals stay in the log");
    }

    [Fact]
    public async Task A_bug_is_a_500_that_names_a_trace_id_and_no_internals()
    {
        using var response = await _http.GetAsync("/bug", TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Contain("traceId").And.NotContain("secret internals");
    }
}
