using HybridStreaming.Channels.Api.Domain;

namespace HybridStreaming.Channels.Api.Api;

/// <summary>Expected failures become RFC 9457 ProblemDetails with the matching status.</summary>
internal static class ResultExtensions
{
    public static IResult ToHttpResult<T>(this Result<T> result, Func<T, IResult> onSuccess) =>
        result.Error is { } error ? error.ToProblem() : onSuccess(result.Value!);

    public static IResult ToProblem(this Error error)
    {
        var status = error.Kind switch
        {
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status400BadRequest,
        };
        return error.Kind == ErrorKind.Validation && error.Field is { } field
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error.Detail] }, title: error.Title)
            : TypedResults.Problem(error.Detail, statusCode: status, title: error.Title);
    }
}
