using System.Text.Json;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.Http.Resilience;

namespace HybridStreaming.Gateway;

/// <summary>
/// <c>GET /api/health</c>: the platform's health in one answer, for status pages and operators —
/// <c>{status, timestamp, services: {agora, cloudflare, channels-api, recording-worker, relay-worker,
/// cost-api, postgres, redis, rabbitmq}}</c>, each <c>healthy</c>, <c>degraded</c>, <c>unhealthy</c> or
/// <c>unknown</c> with a one-line detail. It is built from what the services already know:
/// <list type="bullet">
/// <item>each service's own <c>/health</c> (readiness), which also reports its Postgres, Redis and
/// RabbitMQ checks — a dependency is as bad as the worst service sees it;</item>
/// <item>the <c>/health/providers</c> of the services that call Agora and Cloudflare: their circuit
/// breakers and last calls. No provider is called, so no quota is spent; a provider is healthy again
/// once a trial call succeeded and closed its circuit.</item>
/// </list>
/// <b>Unhealthy</b> (503) when buyers cannot watch or sellers cannot go live: the Channel API, Postgres,
/// Redis or RabbitMQ is down. <b>Degraded</b> (200) when the product still works in a reduced mode — a
/// provider's circuit is open (new sessions go agora-only, recordings fail), a worker or the Cost API is
/// down (their work waits in the outbox). The answer is shared for <see cref="CacheFor"/>, so polling it
/// never multiplies into load on the services. The gateway's own <c>/health</c> stays its readiness
/// probe: one failing dependency must not take the edge (and the providers' webhooks) out of service.
/// </summary>
internal sealed partial class PlatformHealth(IHttpClientFactory clients, IConfiguration configuration, TimeProvider clock, ILogger<PlatformHealth> logger)
{
    public const string ClientName = "platform-health";

    /// <summary>How long one answer is shared by every caller.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>How long a service may take to answer its <c>/health</c>.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private static readonly string[] Services = [KnownResources.ChannelsApi, KnownResources.RecordingWorker, KnownResources.RelayWorker, KnownResources.CostApi];
    private static readonly string[] ProviderCallers = [KnownResources.ChannelsApi, KnownResources.RecordingWorker, KnownResources.RelayWorker];
    private static readonly string[] Providers = ["agora", "cloudflare"];

    /// <summary>Without these the platform serves nobody: any of them unhealthy makes the platform unhealthy.</summary>
    private static readonly HashSet<string> Core = [KnownResources.ChannelsApi, KnownResources.Postgres, KnownResources.Redis, KnownResources.RabbitMq];

    private readonly Lock _gate = new();
    private (DateTimeOffset At, Task<Report> Report)? _current;

    public sealed record Part(string Status, string Detail);

    public sealed record Report(string Status, DateTimeOffset Timestamp, IReadOnlyDictionary<string, Part> Services);

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<PlatformHealth>();
        var client = services.AddHttpClient(ClientName, client => client.Timeout = ProbeTimeout);
#pragma warning disable EXTEXP0001 // a probe is not retried: its answer is the state now
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    public static IEndpointRouteBuilder MapPlatformHealth(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", async (PlatformHealth health, HttpContext context) =>
        {
            var report = await health.GetAsync(context.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(report, statusCode: report.Status == Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
        })
        .AllowAnonymous()
        .WithTags("Health")
        .WithSummary("The platform's health: every service, its databases and broker, and the providers")
        .Produces<Report>()
        .Produces<Report>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>The current report: the shared one while it is fresh, else a new one (one at a time).</summary>
    public Task<Report> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_current is { } current && now - current.At < CacheFor)
            {
                return current.Report.WaitAsync(cancellationToken);
            }

            var report = BuildAsync();
            _current = (now, report);
            return report.WaitAsync(cancellationToken);
        }
    }

    private const string Healthy = "healthy";
    private const string Degraded = "degraded";
    private const string Unhealthy = "unhealthy";
    private const string Unknown = "unknown";

    private async Task<Report> BuildAsync()
    {
        var health = Services.ToDictionary(service => service, service => ProbeAsync(service, Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath));
        var providers = ProviderCallers.ToDictionary(service => service, service => ProbeAsync(service, Microsoft.Extensions.Hosting.Extensions.ProviderHealthEndpointPath));
        await Task.WhenAll(health.Values.Concat(providers.Values));

        var parts = new Dictionary<string, Part>(StringComparer.Ordinal);
        foreach (var provider in Providers)
        {
            parts[provider] = Combine(providers.Select(p => (p.Key, Entry(p.Value.Result, entry => entry.Name == provider))), "calls it");
        }

        foreach (var (service, probe) in health)
        {
            var result = probe.Result;
            parts[service] = result.Failure is { } failure
                ? new Part(Unhealthy, failure)
                : new Part(Status(result.Status), $"{service}'s /health: {Status(result.Status)}");
        }

        parts[KnownResources.Postgres] = Combine(health.Select(h => (h.Key, Entry(h.Value.Result, entry => entry.Tags.Contains("postgres")))), "uses its database");
        parts[KnownResources.Redis] = Combine(health.Select(h => (h.Key, Entry(h.Value.Result, entry => entry.Tags.Contains("redis")))), "uses it");
        parts[KnownResources.RabbitMq] = Combine(
            health.Select(h => (h.Key, Entry(h.Value.Result, entry => entry.Name == "masstransit-bus" || entry.Tags.Contains("masstransit")))), "uses it");

        var status = parts.Any(p => Core.Contains(p.Key) && p.Value.Status is Unhealthy or Unknown) ? Unhealthy
            : parts.Values.Any(p => p.Status != Healthy) ? Degraded
            : Healthy;
        if (status != Healthy)
        {
            LogNotHealthy(logger, status, string.Join(", ", parts.Where(p => p.Value.Status != Healthy).Select(p => $"{p.Key} {p.Value.Status}")));
        }

        return new Report(status, clock.GetUtcNow(), parts);
    }

    /// <summary>
    /// One dependency (a provider, a database, the broker) as the services that use it see it: the worst
    /// of their views, naming who sees it so; unknown when no service that uses it answered.
    /// </summary>
    private static Part Combine(IEnumerable<(string Service, string? Status)> views, string verb)
    {
        var known = views.Where(view => view.Status is not null).Select(view => (view.Service, Status: view.Status!)).ToList();
        if (known.Count == 0)
        {
            return new Part(Unknown, $"no service that {verb} answered");
        }

        var worst = known.MaxBy(view => Severity(view.Status)).Status;
        var who = known.Where(view => view.Status == worst).Select(view => view.Service);
        return new Part(worst, $"{worst} as seen by {string.Join(", ", who)}");
    }

    /// <summary>The worst status among a report's entries that match; null when the report has none (or there is no report).</summary>
    private static string? Entry(Probe probe, Func<HealthEntry, bool> match) =>
        probe.Entries.Where(match).Select(entry => Status(entry.Status)).MaxBy(Severity);

    private static int Severity(string? status) => status switch
    {
        Healthy => 0,
        Degraded => 1,
        Unknown => 2,
        _ => 3,
    };

    private static string Status(string? status) => status?.ToLowerInvariant() switch
    {
        "healthy" => Healthy,
        "degraded" => Degraded,
        "unhealthy" => Unhealthy,
        _ => Unknown,
    };

    private sealed record HealthEntry(string Name, string? Status, IReadOnlyList<string> Tags);

    /// <summary>A service's report, or why there is none (<paramref name="Failure"/>).</summary>
    private sealed record Probe(string? Status, IReadOnlyList<HealthEntry> Entries, string? Failure);

    /// <summary>A service's health report (whatever its HTTP status: an unhealthy one answers 503 with the same body).</summary>
    private async Task<Probe> ProbeAsync(string service, string path)
    {
        if (!configuration.GetSection($"services:{service}:http").GetChildren().Any(child => !string.IsNullOrWhiteSpace(child.Value)))
        {
            return new Probe(null, [], $"not configured: set services__{service}__http__0");
        }

        try
        {
            using var cancel = new CancellationTokenSource(ProbeTimeout);
            using var response = await clients.CreateClient(ClientName).GetAsync(new Uri($"http://{service}{path}"), cancel.Token);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancel.Token), cancellationToken: cancel.Token);
            var root = document.RootElement;
            var entries = root.TryGetProperty("entries", out var list)
                ? list.EnumerateObject().Select(entry => new HealthEntry(
                    entry.Name,
                    entry.Value.TryGetProperty("status", out var status) ? status.GetString() : null,
                    entry.Value.TryGetProperty("tags", out var tags) ? [.. tags.EnumerateArray().Select(tag => tag.GetString() ?? "")] : [])).ToList()
                : [];
            return new Probe(root.TryGetProperty("status", out var overall) ? overall.GetString() : null, entries, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
        {
            var failure = exception is TaskCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : "unreachable";
            return new Probe(null, [], failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Platform health {Status}: {Parts}")]
    private static partial void LogNotHealthy(ILogger logger, string status, string parts);
}
