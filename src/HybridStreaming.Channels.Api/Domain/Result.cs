namespace HybridStreaming.Channels.Api.Domain;

public enum ErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>An expected failure: what went wrong, in words a caller can act on (mapped to ProblemDetails at the edge).</summary>
public sealed record Error(ErrorKind Kind, string Title, string Detail, string? Field = null)
{
    public static Error NotFound(string what, Guid id) => new(ErrorKind.NotFound, $"{what} not found.", $"No {what.ToLowerInvariant()} with id {id}.");

    public static Error Conflict(string title, string detail) => new(ErrorKind.Conflict, title, detail);

    public static Error Forbidden(string detail) => new(ErrorKind.Forbidden, "Not allowed.", detail);

    public static Error Invalid(string field, string detail) => new(ErrorKind.Validation, "The request is invalid.", detail, field);
}

/// <summary>A value or an <see cref="Error"/>: expected failures are values, exceptions are for bugs.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}
