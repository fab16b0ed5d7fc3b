using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Agora;

/// <summary>
/// An Agora REST call that failed. <see cref="ProviderApiException.StatusCode"/> is the HTTP status
/// (null when no answer came), <see cref="Code"/> and <see cref="Reason"/> come from the body
/// (<c>{"code":N,"reason":".."}</c> or <c>{"message":".."}</c>). Tell cases apart with
/// <see cref="ProviderApiException.IsRetryable"/>, <see cref="ProviderApiException.IsNotFound"/> (404),
/// <see cref="ProviderApiException.IsConflict"/> (409: Media Push name already used) and
/// <see cref="AgoraCircuitOpenException"/> / <see cref="ProviderApiException.IsCircuitOpen"/>.
/// </summary>
public class AgoraApiException : ProviderApiException
{
    internal AgoraApiException(
        string operation, string message, int? statusCode, int? code, string? reason, bool isRetryable,
        TimeSpan? retryAfter = null, string? requestId = null, Exception? innerException = null)
        : base("agora", operation, message, statusCode, isRetryable, retryAfter, innerException)
    {
        Code = code;
        Reason = reason;
        RequestId = requestId;
    }

    /// <summary>Agora's numeric <c>code</c> (see <see cref="AgoraErrorCodes"/>), when the body had one.</summary>
    public int? Code { get; }

    /// <summary>Agora's <c>reason</c> or <c>message</c> text, when the body had one.</summary>
    public string? Reason { get; }

    /// <summary>The <c>X-Request-ID</c> sent with the call: quote it to Agora support.</summary>
    public string? RequestId { get; }
}

/// <summary>
/// The Agora circuit breaker is open: the call was not sent. Fail over at once (e.g. Agora-only);
/// <see cref="ProviderApiException.RetryAfter"/> is the configured break duration.
/// </summary>
public sealed class AgoraCircuitOpenException : AgoraApiException
{
    internal AgoraCircuitOpenException(string operation, TimeSpan breakDuration, Exception innerException)
        : base(operation, $"Agora {operation} was not sent: the Agora circuit breaker is open after repeated failures.",
            statusCode: null, code: null, reason: null, isRetryable: true, breakDuration, requestId: null, innerException)
    {
    }

    public override bool IsCircuitOpen => true;
}

/// <summary>Agora codes the clients and their callers act on (agora.md §2.5).</summary>
public static class AgoraErrorCodes
{
    public const int InvalidParameter = 2;

    /// <summary>Duplicate <c>start</c> with the same resourceId (HTTP 201): an earlier attempt already started it.</summary>
    public const int AlreadyStarted = 7;

    /// <summary>Stop on a task already exiting (double stop, recorder kicked, idle timeout).</summary>
    public const int InvalidOperation = 49;

    /// <summary>A task with the same cname+uid exists.</summary>
    public const int TaskConflict = 53;

    /// <summary>Request timed out inside Agora (HTTP 500/504): retry.</summary>
    public const int RequestTimeout = 62;

    /// <summary>Request not completed (HTTP 206!): retry with the same parameters.</summary>
    public const int RequestNotCompleted = 65;

    /// <summary>HTTP 404 "failed to find worker": the task is gone (or a failover is under way).</summary>
    public const int WorkerNotFound = 404;

    /// <summary>Stop: nobody published, nothing was recorded (HTTP 206).</summary>
    public const int NoRecordedData = 435;

    /// <summary>Codes Agora documents as "retry the same request".</summary>
    public static bool IsRetryable(int? code) => code is RequestTimeout or RequestNotCompleted;
}
