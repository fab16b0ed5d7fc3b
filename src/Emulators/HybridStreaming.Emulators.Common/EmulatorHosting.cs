using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Faults;
using HybridStreaming.Emulators.Common.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common;

/// <summary>Registrations and endpoints every emulator has: options, secrets, faults, webhooks, /health and /alive.</summary>
public static class EmulatorHosting
{
    public static WebApplicationBuilder AddEmulatorDefaults(this WebApplicationBuilder builder, string emulatorName)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Request logs would only repeat what the emulator logs itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // An unhealthy probe while nginx starts is reported by /health itself, not as an error line per probe.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        var options = EmulatorOptions.From(builder.Configuration, emulatorName);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SecretMasker>();
        builder.Services.AddSingleton<FaultStore>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>Faults first, so an injected fault stands in front of every provider endpoint.</summary>
    public static WebApplication UseEmulatorDefaults(this WebApplication app)
    {
        // A bug in the emulator answers like the provider's own 500, and is logged with its stack.
        app.UseExceptionHandler(handler => handler.Run(async context =>
        {
            var error = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
            app.Logger.LogError(error, "Unhandled error in {Method} {Path}", context.Request.Method, context.Request.Path);
            await context.RequestServices.GetRequiredService<IProviderErrors>().WriteAsync(context, StatusCodes.Status500InternalServerError);
        }));
        app.UseFaultInjection();
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live"), ResponseWriter = WriteHealthAsync });
        app.MapFaultsApi();
        app.MapGet(FaultInjection.Prefix + "/webhooks", (WebhookDispatcher webhooks) =>
            Results.Json(new JsonArray([.. webhooks.Deliveries.Select(JsonNode (d) => d.ToJson())])));
        app.MapDelete(FaultInjection.Prefix + "/webhooks", (WebhookDispatcher webhooks) =>
        {
            webhooks.Clear();
            return Results.NoContent();
        });
        app.MapGet(FaultInjection.Prefix + "/options", (EmulatorOptions options) =>
            Results.Json(new JsonObject { ["media"] = options.Media, ["strict"] = options.Strict }));
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var json = new JsonObject
        {
            ["status"] = report.Status.ToString(),
            ["entries"] = new JsonObject([.. report.Entries.Select(e => KeyValuePair.Create<string, JsonNode?>(
                e.Key, new JsonObject { ["status"] = e.Value.Status.ToString(), ["description"] = e.Value.Description }))]),
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json.ToJsonString());
    }
}
