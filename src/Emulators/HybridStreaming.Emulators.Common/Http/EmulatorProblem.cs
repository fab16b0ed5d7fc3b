using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HybridStreaming.Emulators.Common.Http;

/// <summary>RFC 9457 problem details for the emulators' own <c>/__emulator</c> endpoints (provider endpoints use the provider's format).</summary>
public static class EmulatorProblem
{
    public static IResult BadRequest(string title, string detail) => Problem(StatusCodes.Status400BadRequest, title, detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static IResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, "Conflict", detail);

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });
}
