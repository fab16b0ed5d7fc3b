using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// The one place an exception becomes a response. Invalid requests (<see cref="RequestValidationException"/>:
/// 400 with the message per field) and malformed ones (unreadable JSON, a parameter of the wrong type:
/// 400 with what could not be read) are the caller's error. A transient failure of a dependency — the
/// database's connection pool exhausted under a burst, a connection lost in a failover, a timeout — is
/// not a bug and not the caller's error: 503 with <c>Retry-After</c>, so clients back off and retry.
/// Anything else is a bug: 500 with a trace id and no internals; it is recorded on the request's span,
/// counted in <c>hybridstreaming.exceptions</c> and, with <c>SENTRY_DSN</c> set, sent to Sentry.
/// </summary>
public sealed partial class UnhandledExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<UnhandledExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem;
        if (exception is RequestValidationException invalid)
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            problem = new HttpValidationProblemDetails(invalid.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is invalid.",
                Detail = "See errors for what to change.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            };
        }
        else if (exception is BadHttpRequestException badRequest)
        {
            httpContext.Response.StatusCode = badRequest.StatusCode;
            problem = new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "The request could not be read.",
                Detail = DescribeBadRequest(badRequest),
                Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            };
        }
        else if (IsTransient(exception))
        {
            LogTransient(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = $"A dependency (such as the database) is overloaded or unreachable. Try again in {RetryAfterSeconds} s.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            };
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
            return true;
        }
        else
        {
            Record(exception);
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
                Detail = "The error was logged with the trace id below.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.1",
            };
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private const string RetryAfterSeconds = "2";

    public const string MeterName = "HybridStreaming.Services";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Exceptions = Meter.CreateCounter<long>(
        "hybridstreaming.exceptions", description: "Exceptions no code handled (answered 500), by exception type.");

    /// <summary>On the span (an <c>exception</c> event, status error) and in the counter.</summary>
    private static void Record(Exception exception)
    {
        if (Activity.Current is { } activity)
        {
            activity.AddException(exception);
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        }

        Exceptions.Add(1, new KeyValuePair<string, object?>("type", exception.GetType().FullName));
    }

    /// <summary>
    /// Whether an exception this handler saw is a bug, as opposed to the caller's error or a dependency's
    /// passing trouble: only bugs go to error tracking (<see cref="ErrorTracking"/>).
    /// </summary>
    internal static bool IsBug(Exception exception) =>
        exception is not (RequestValidationException or BadHttpRequestException or OperationCanceledException) && !IsTransient(exception);

    /// <summary>
    /// A failure that says nothing about the request: the driver marks it transient (pool exhausted,
    /// too many connections, connection reset, failover), or it is a timeout. EF Core wraps these
    /// (DbUpdateException, InvalidOperationException from a retry strategy), so inner exceptions count.
    /// </summary>
    internal static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Data.Common.DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    private static string DescribeBadRequest(BadHttpRequestException exception) =>
        // The framework's messages name the parameter and the problem ("Failed to read parameter
        // \"CreateChannel request\" from the request body as JSON."); the inner JSON error names the field.
        exception.InnerException is System.Text.Json.JsonException { Path: { } path } json
            ? $"{exception.Message} Invalid JSON at '{path}': {FirstLine(json.Message)}"
            : exception.Message;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transient failure for {Method} {Path}; answered 503")]
    private static partial void LogTransient(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
