using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HybridStreaming.Gateway;

/// <summary>
/// Cross-origin access to the API for the apps' origins in <c>CORS_ALLOWED_ORIGINS</c> (comma-separated;
/// empty: none, only pages of the gateway's own origin may call it). Calls carry a bearer token, not
/// cookies, so credentials are not allowed. Preflights are answered here, before authentication, so a
/// browser's OPTIONS (which never carries the token) is not turned away with 401.
/// </summary>
internal static partial class GatewayCors
{
    public const string AllowedOriginsKey = "CORS_ALLOWED_ORIGINS";

    /// <summary>How long a browser may reuse a preflight's answer: fewer OPTIONS round trips from the apps.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    public static IHostApplicationBuilder AddGatewayCors(this IHostApplicationBuilder builder)
    {
        var origins = ReadAllowedOrigins(builder.Configuration);
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .WithOrigins([.. origins])
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
            .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType)
            // Clients back off on 429 and 503 for as long as it says; a cross-origin script reads it only if exposed.
            .WithExposedHeaders(HeaderNames.RetryAfter)
            .SetPreflightMaxAge(PreflightMaxAge)));
        return builder;
    }

    /// <summary>The CORS middleware with the policy above; call it before <c>UseAuthentication</c>.</summary>
    public static WebApplication UseGatewayCors(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<CorsOptions>>().Value;
        var origins = options.GetPolicy(options.DefaultPolicyName)?.Origins ?? [];
        LogAllowedOrigins(app.Logger, origins.Count == 0 ? "none (same-origin only)" : string.Join(", ", origins));
        app.UseCors();
        return app;
    }

    /// <summary>The configured origins, or a start-up error naming every value that is not an http(s) origin.</summary>
    internal static IReadOnlyList<string> ReadAllowedOrigins(IConfiguration configuration)
    {
        var invalid = new List<string>();
        var origins = EdgeOrigins.ParseList(configuration[AllowedOriginsKey], EdgeOrigins.HttpSchemes, allowWildcardHost: false, invalid);
        if (invalid.Count > 0)
        {
            var problems = new ConfigurationProblems("The gateway's CORS");
            problems.Add(AllowedOriginsKey,
                "must be comma-separated origins, http(s)://host[:port] without path or wildcard (such as https://shop.example.com); "
                + $"not origins: {string.Join(", ", invalid.Select(value => $"'{value}'"))}.");
            throw new InvalidOperationException(problems.ToString());
        }

        return origins;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cross-origin requests allowed from: {Origins}")]
    private static partial void LogAllowedOrigins(ILogger logger, string origins);
}
