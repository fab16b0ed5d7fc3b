using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Faults;

/// <summary>
/// <c>POST /__emulator/faults</c>, <c>GET</c>, <c>DELETE /__emulator/faults[/{id}]</c>, and the middleware
/// that applies HTTP faults to every provider request (never to <c>/__emulator/*</c>, <c>/health</c>, <c>/alive</c>).
/// </summary>
public static class FaultInjection
{
    public const string Prefix = "/__emulator";

    public static IEndpointRouteBuilder MapFaultsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix + "/faults");
        group.MapPost("", async (HttpRequest request, FaultStore faults) =>
        {
            var body = await JsonBody.ReadAsync(request, allowEmpty: false);
            var (rule, errors) = body.IsValid ? faults.Add(body) : (null, body.Errors);
            return rule is null
                ? EmulatorProblem.BadRequest("Invalid fault", string.Join("; ", errors))
                : Results.Json(new JsonObject { ["id"] = rule.Id }, statusCode: StatusCodes.Status201Created);
        });
        group.MapGet("", (FaultStore faults) => Results.Json(new JsonArray([.. faults.Active.Select(JsonNode (r) => r.ToJson())])));
        group.MapDelete("/{id}", (string id, FaultStore faults) =>
            faults.Remove(id) ? Results.NoContent() : EmulatorProblem.NotFound($"No active fault '{id}'."));
        group.MapDelete("", (FaultStore faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });
        return app;
    }

    public static IApplicationBuilder UseFaultInjection(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "/";
            if (path.StartsWith(Prefix, StringComparison.Ordinal) || path is "/health" or "/alive")
            {
                await next(context);
                return;
            }

            var fault = context.RequestServices.GetRequiredService<FaultStore>().ForRequest(context.Request.Method, path);
            if (fault is null)
            {
                await next(context);
                return;
            }

            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("HybridStreaming.Emulators.Faults")
                .LogInformation("Fault {FaultId} applied to {Method} {Path}", fault.Id, context.Request.Method, path);
            if (fault.DelayMs > 0)
            {
                await Task.Delay(fault.DelayMs, context.RequestAborted);
            }

            if (fault.Hang)
            {
                // Held until the client gives up (or the fault expires): a provider that accepted the connection and never answered.
                var left = fault.ExpiresAt - DateTimeOffset.UtcNow;
                await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }
            }

            if (fault.Status is not { } status)
            {
                await next(context);
                return;
            }

            if (fault.Body is not null)
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(fault.Body.ToJsonString(), context.RequestAborted);
                return;
            }

            await context.RequestServices.GetRequiredService<IProviderErrors>().WriteAsync(context, status);
        });
}
