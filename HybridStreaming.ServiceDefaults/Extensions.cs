using System.Diagnostics;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.ServiceDefaults.Health;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every HybridStreaming service starts with — the same shape as .NET Aspire's
/// ServiceDefaults, so an Aspire AppHost can run the services unchanged.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";
    public const string ProviderHealthEndpointPath = "/health/providers";

    /// <summary>
    /// The internal port <c>/metrics</c> answers on (it must also be one of the addresses in
    /// <c>ASPNETCORE_URLS</c>); without it the process serves no metrics over HTTP. The gateway routes
    /// only <c>/api/**</c>, and nothing routes this port from outside, so Prometheus reaches it and the
    /// public edge does not.
    /// </summary>
    public const string MetricsPortVariable = "METRICS_PORT";

    /// <summary>Checks tagged <c>live</c> answer <c>/alive</c>; every check answers <c>/health</c>.</summary>
    public const string LiveTag = "live";

    /// <summary>Activity sources and meters of our own code all start with this prefix.</summary>
    public const string TelemetryPrefix = "HybridStreaming";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureConsoleLogging();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddErrorTracking();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Provider clients replace this with their own pipeline (see the provider client libraries).
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path}";
            context.ProblemDetails.Extensions.TryAdd(
                "traceId", Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<UnhandledExceptionHandler>();

        return builder;
    }

    /// <summary>
    /// Simple one-line logs in Development (the AppHost prefixes and aggregates them); structured JSON
    /// everywhere else, so log pipelines can index them.
    /// </summary>
    public static TBuilder ConfigureConsoleLogging<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
                options.UseUtcTimestamp = false;
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"];
        var exportsTelemetry = builder.Configuration.ExportsTelemetry();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (set by the AppHost, as Aspire does) wins; the assembly name otherwise.
                if (string.IsNullOrWhiteSpace(serviceName))
                {
                    resource.AddService(builder.Environment.ApplicationName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", "Npgsql", $"{TelemetryPrefix}.*")
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource("MassTransit", "Npgsql", $"{TelemetryPrefix}.*")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes and scrapes would drown the traces that matter.
                    options.Filter = context => !IsInfrastructureEndpoint(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!exportsTelemetry)
        {
            // No exporter, so no span would ever leave the process: recording them (tags, timings,
            // processors) cost a service 2–4 % of its CPU in a go-live burst. Dropped spans still carry
            // the trace context, so trace ids in logs, ProblemDetails and the outbox stay as they were.
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new AlwaysOffSampler()));
        }
        else
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps the exception handler, <c>/health</c> (readiness: every check, including the service's
    /// Postgres, Redis and RabbitMQ, but not the providers), <c>/health/providers</c> (what the process
    /// knows of each provider it calls, from its circuit breakers and last calls; always 200),
    /// <c>/alive</c> (liveness) and <c>/metrics</c> (Prometheus, on <see cref="MetricsPortVariable"/> only).
    /// Call it first, right after <c>Build()</c>, so the exception handler wraps everything.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            // Readiness: what this process needs to serve. A provider's trouble is not a reason to take
            // the process out of service (it answers, and falls back); that is /health/providers.
            Predicate = registration => !registration.Tags.Contains(ProviderHealth.Tag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();
        app.MapHealthChecks(ProviderHealthEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(ProviderHealth.Tag),
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status200OK },
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();
        if (app.Configuration.MetricsPort() is { } metricsPort)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsScrape(context, metricsPort));
        }

        return app;
    }

    /// <summary>The connection string named <paramref name="name"/>, or a start-up error that says how to set it.</summary>
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is not configured. Set ConnectionStrings__{name} " +
                $"(the AppHost does this for you: dotnet run --project HybridStreaming.AppHost).");

    /// <summary>A scrape: <c>/metrics</c> on the metrics port, left out of the HTTP metrics (the API's error rate and latency).</summary>
    private static bool IsScrape(HttpContext context, int metricsPort)
    {
        if (context.Connection.LocalPort != metricsPort || context.Request.Path != MetricsEndpointPath)
        {
            return false;
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>() is { } tags)
        {
            tags.MetricsDisabled = true;
        }

        return true;
    }

    /// <summary>The internal metrics port (<see cref="MetricsPortVariable"/>), or null when metrics are not served over HTTP.</summary>
    public static int? MetricsPort(this IConfiguration configuration) =>
        configuration[MetricsPortVariable] is { Length: > 0 } value
            ? int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new InvalidOperationException($"{MetricsPortVariable} is '{value}': it must be a TCP port (1-65535), one of the ports in ASPNETCORE_URLS.")
            : null;

    /// <summary>Whether spans and metrics leave the process: an OTLP endpoint is configured (the AppHost sets one).</summary>
    internal static bool ExportsTelemetry(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>The probes and the scrape endpoint: left out of traces, API documents and the edge's limits.</summary>
    public static bool IsInfrastructureEndpoint(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments(MetricsEndpointPath);
}
