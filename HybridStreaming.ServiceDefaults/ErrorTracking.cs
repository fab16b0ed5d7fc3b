using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Sentry;
using Sentry.Extensibility;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// Error tracking with Sentry, on when <c>SENTRY_DSN</c> is set (any Sentry-protocol server: Sentry,
/// GlitchTip, a self-hosted Sentry). What goes: exceptions no code handled (the ones answered 500, and
/// those that crash a background service), with their stack, the request's method, path and non-secret
/// headers, the service's name, environment and release. What never goes: credentials — the
/// <c>Authorization</c>, cookie and signature headers, the query string, request bodies and user
/// addresses are removed before an event leaves the process — and the caller's errors (400s) or a
/// dependency's passing trouble (503s), which are not bugs.
/// </summary>
public static class ErrorTracking
{
    public const string DsnVariable = "SENTRY_DSN";

    /// <summary>Headers that can carry a credential: removed from every event.</summary>
    private static readonly string[] SecretHeaderParts = ["authorization", "cookie", "token", "secret", "signature", "api-key", "apikey", "x-forwarded-for"];

    public static TBuilder AddErrorTracking<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration[DsnVariable] is not { Length: > 0 } dsn || builder is not WebApplicationBuilder web)
        {
            return builder;
        }

        var service = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        var release = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        web.WebHost.UseSentry(options =>
        {
            options.Dsn = dsn;
            options.Environment = builder.Configuration["SENTRY_ENVIRONMENT"] is { Length: > 0 } environment
                ? environment
                : builder.Environment.EnvironmentName.ToLowerInvariant();
            options.Release = release is null ? null : $"{builder.Environment.ApplicationName}@{release}";
            options.ServerName = service;
            options.SendDefaultPii = false;
            options.MaxRequestBodySize = RequestSize.None;
            options.TracesSampleRate = 0; // traces go to OpenTelemetry
            options.SetBeforeSend((sentryEvent, _) => Scrub(sentryEvent, service));
        });
        return builder;
    }

    /// <summary>The event as it may leave the process, or null when it is not a bug (see <see cref="UnhandledExceptionHandler.IsBug"/>).</summary>
    internal static SentryEvent? Scrub(SentryEvent sentryEvent, string service)
    {
        if (sentryEvent.Exception is { } exception && !UnhandledExceptionHandler.IsBug(exception))
        {
            return null;
        }

        sentryEvent.SetTag("service", service);
        var request = sentryEvent.Request;
        request.QueryString = null;
        request.Cookies = null;
        request.Data = null;
        request.Env.Clear();
        foreach (var header in request.Headers.Keys.Where(IsSecretHeader).ToList())
        {
            request.Headers.Remove(header);
        }

        sentryEvent.User = new SentryUser();
        return sentryEvent;
    }

    private static bool IsSecretHeader(string header) =>
        SecretHeaderParts.Any(part => header.Contains(part, StringComparison.OrdinalIgnoreCase));
}
