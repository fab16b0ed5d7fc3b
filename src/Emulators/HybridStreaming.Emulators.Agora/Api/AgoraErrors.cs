using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Faults;

namespace HybridStreaming.Emulators.Agora.Api;

/// <summary>
/// Agora's error bodies: Cloud Recording answers <c>{"code": N, "reason": "…"}</c>, Media Push and the
/// API gateway answer <c>{"message": "…"}</c> (reference/agora.md §2.5, §3).
/// </summary>
public static class AgoraErrors
{
    public static IResult Recording(int status, int code, string reason) =>
        Results.Json(new JsonObject { ["code"] = code, ["reason"] = reason }, statusCode: status);

    public static IResult InvalidParameter(IEnumerable<string> problems) =>
        Recording(StatusCodes.Status400BadRequest, 2, "invalid parameter: " + string.Join("; ", problems));

    public static IResult Message(int status, string message) =>
        Results.Json(new JsonObject { ["message"] = message }, statusCode: status);

    public static IResult NoRoute() => Message(StatusCodes.Status404NotFound, "no Route matched with those values");

    public static IResult RateLimited() => Message(StatusCodes.Status429TooManyRequests, "API rate limit exceeded");

    public static bool IsRecordingPath(PathString path) =>
        path.Value?.Contains("/cloud_recording/", StringComparison.Ordinal) == true;
}

/// <summary>Injected faults answer in the body the real endpoint would use.</summary>
public sealed class AgoraProviderErrors : IProviderErrors
{
    public async Task WriteAsync(HttpContext context, int status)
    {
        IResult result = status switch
        {
            401 => AgoraErrors.Message(status, "Invalid authentication credentials"),
            429 => AgoraErrors.RateLimited(),
            _ when !AgoraErrors.IsRecordingPath(context.Request.Path) => AgoraErrors.Message(status, status switch
            {
                404 => "converter not found",
                409 => "converter name already exists",
                503 => "service overloaded",
                >= 500 => "internal error",
                _ => "bad request",
            }),
            206 => AgoraErrors.Recording(status, 65, "request not completed"),
            404 => AgoraErrors.Recording(status, 404, "failed to find worker"),
            502 => AgoraErrors.Recording(status, 502, "Failed to allocate worker"),
            504 => AgoraErrors.Recording(status, 504, "allocate_timeout"),
            >= 500 => AgoraErrors.Recording(status, 500, "internal_error"),
            _ => AgoraErrors.Recording(status, 2, "invalid parameter"),
        };
        await result.ExecuteAsync(context);
    }
}
