using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.ServiceDefaults.Providers;

public static partial class ProviderHttpLogging
{
    /// <summary>
    /// Replaces the HttpClient factory's default loggers with one that never touches headers or bodies.
    /// Why: the default loggers write request headers at Trace; .NET redacts the values in the message
    /// text, but the structured state still carries them verbatim — a JSON or OTLP sink would export the
    /// <c>Authorization</c> header (Agora's Basic credentials, Cloudflare's API token). Each attempt is
    /// logged at Debug with method, path (no query), status and duration.
    /// </summary>
    public static IHttpClientBuilder AddProviderHttpLogging(this IHttpClientBuilder builder, string provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.RemoveAllLoggers();
        builder.AddLogger(services => new ProviderHttpLogger(
            provider, services.GetRequiredService<ILoggerFactory>().CreateLogger("HybridStreaming.Providers.Http")));
        return builder;
    }

    private sealed class ProviderHttpLogger(string provider, ILogger logger) : IHttpClientLogger
    {
        public object? LogRequestStart(HttpRequestMessage request) => null;

        public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
            LogAttempt(logger, provider, request.Method.Method, request.RequestUri?.AbsolutePath, (int)response.StatusCode, (long)elapsed.TotalMilliseconds);

        public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
            LogAttemptFailed(logger, provider, request.Method.Method, request.RequestUri?.AbsolutePath, exception.GetType().Name, (long)elapsed.TotalMilliseconds);
    }

    [LoggerMessage(EventId = 9110, Level = LogLevel.Debug, Message = "{Provider} {Method} {Path} answered {Status} in {ElapsedMs} ms")]
    private static partial void LogAttempt(ILogger logger, string provider, string method, string? path, int status, long elapsedMs);

    [LoggerMessage(EventId = 9111, Level = LogLevel.Debug, Message = "{Provider} {Method} {Path} failed with {Exception} after {ElapsedMs} ms")]
    private static partial void LogAttemptFailed(ILogger logger, string provider, string method, string? path, string exception, long elapsedMs);
}
