using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace HybridStreaming.Emulators.Common.Http;

/// <summary>
/// Reads a JSON request body field by field, collecting one readable error per bad field
/// ("recording.mode must be one of off, automatic"), so every emulator answers bad input with a 400
/// naming the field, in its provider's own error format, and never half-applies a request.
/// </summary>
public sealed class JsonBody
{
    private readonly List<string> _errors = [];

    private JsonBody(JsonObject? root, string? parseError)
    {
        Root = root ?? [];
        if (parseError is not null)
        {
            _errors.Add(parseError);
        }
    }

    public JsonObject Root { get; }

    public IReadOnlyList<string> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    /// <summary>Reads the body; an empty body is an empty object when <paramref name="allowEmpty"/>.</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, bool allowEmpty = true)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return Parse(text, allowEmpty);
    }

    public static JsonBody Parse(string text, bool allowEmpty = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return allowEmpty ? new JsonBody([], null) : new JsonBody(null, "the request body must be a JSON object");
        }

        try
        {
            return JsonNode.Parse(text) is JsonObject root
                ? new JsonBody(root, null)
                : new JsonBody(null, "the request body must be a JSON object");
        }
        catch (JsonException exception)
        {
            return new JsonBody(null, $"the request body is not valid JSON ({exception.Message})");
        }
    }

    public void Error(string message) => _errors.Add(message);

    public bool Has(string path) => Find(path, out _);

    public JsonObject? Object(string path)
    {
        if (!Find(path, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonObject value)
        {
            return value;
        }

        _errors.Add($"{path} must be an object");
        return null;
    }

    public string? String(string path, bool required = false, int? maxLength = null)
    {
        if (!Find(path, out var node) || node is null)
        {
            if (required)
            {
                _errors.Add($"{path} is required");
            }

            return null;
        }

        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            if (maxLength is { } max && text.Length > max)
            {
                _errors.Add($"{path} must be at most {max} characters");
            }

            return text;
        }

        _errors.Add($"{path} must be a string");
        return null;
    }

    /// <summary>A string that may also be given as a number (Agora's uid fields accept "527841" and 527841 in practice).</summary>
    public string? StringOrNumber(string path, bool required = false)
    {
        if (Find(path, out var node) && node is JsonValue value && value.GetValueKind() == JsonValueKind.Number)
        {
            return value.ToJsonString();
        }

        return String(path, required);
    }

    public bool? Bool(string path, bool required = false)
    {
        if (!Find(path, out var node) || node is null)
        {
            if (required)
            {
                _errors.Add($"{path} is required");
            }

            return null;
        }

        if (node is JsonValue value && value.TryGetValue<bool>(out var flag))
        {
            return flag;
        }

        _errors.Add($"{path} must be true or false");
        return null;
    }

    public long? Integer(string path, long min = long.MinValue, long max = long.MaxValue, bool required = false)
    {
        if (!Find(path, out var node) || node is null)
        {
            if (required)
            {
                _errors.Add($"{path} is required");
            }

            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number)
            && Math.Floor(number) == number)
        {
            if (number < min || number > max)
            {
                _errors.Add($"{path} must be between {min} and {max}");
                return null;
            }

            return (long)number;
        }

        _errors.Add($"{path} must be an integer");
        return null;
    }

    public double? Number(string path, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!Find(path, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number))
        {
            if (number < min || number > max)
            {
                _errors.Add($"{path} must be between {min} and {max}");
                return null;
            }

            return number;
        }

        _errors.Add($"{path} must be a number");
        return null;
    }

    public string? OneOf(string path, IReadOnlyCollection<string> allowed, bool required = false)
    {
        var value = String(path, required);
        if (value is not null && !allowed.Contains(value))
        {
            _errors.Add($"{path} must be one of {string.Join(", ", allowed)}");
            return null;
        }

        return value;
    }

    public List<string>? Strings(string path)
    {
        if (!Find(path, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonArray array && array.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            return [.. array.Select(item => item!.GetValue<string>())];
        }

        _errors.Add($"{path} must be an array of strings");
        return null;
    }

    private bool Find(string path, out JsonNode? node)
    {
        node = Root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject current || !current.TryGetPropertyValue(part, out node))
            {
                node = null;
                return false;
            }
        }

        return true;
    }
}
