using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>
/// Collects every problem of a configuration so start-up fails once with one message that lists them
/// all, instead of one restart per missing value. Secret values are never echoed: a problem with a
/// secret says what is wrong with it (missing, length, characters), never what it is.
/// </summary>
public sealed class ConfigurationProblems(string subject)
{
    private readonly List<string> problems = [];

    public int Count => problems.Count;

    public void Add(string key, string problem) => problems.Add($"{key} {problem}");

    /// <summary>Records a problem when <paramref name="value"/> is missing; returns whether it is present.</summary>
    public bool Required(string key, [NotNullWhen(true)] string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        Add(key, "is missing.");
        return false;
    }

    /// <summary>Exactly <paramref name="length"/> hexadecimal characters (required).</summary>
    public void Hex(string key, string? value, int length)
    {
        if (Required(key, value) && !IsHex(value, length, length))
        {
            var detail = IsHex(value, 1, int.MaxValue) ? "" : ", not all hexadecimal";
            Add(key, $"must be exactly {length} hexadecimal characters (it has {value.Length} characters{detail}).");
        }
    }

    /// <summary>A token usable in an HTTP header: no whitespace, no control characters (required).</summary>
    public void HeaderSafe(string key, string? value, string? forbidden = null)
    {
        if (!Required(key, value))
        {
            return;
        }

        if (value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > 0x7e))
        {
            Add(key, "must not contain whitespace, control or non-ASCII characters.");
        }
        else if (forbidden is not null && value.IndexOfAny(forbidden.ToCharArray()) >= 0)
        {
            Add(key, $"must not contain any of the characters '{forbidden}'.");
        }
    }

    /// <summary>An absolute http(s) URL; optional values may be empty. The value is echoed (URLs are not secrets).</summary>
    public void AbsoluteHttpUrl(string key, string? value, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(key, "is missing.");
            }

            return;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            Add(key, $"must be an absolute http:// or https:// URL without query or fragment (got '{value}').");
        }
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive); the value is echoed.</summary>
    public void OneOf(string key, string? value, IReadOnlyCollection<string> allowed)
    {
        if (Required(key, value) && !allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            Add(key, $"must be one of {string.Join(", ", allowed)} (got '{value}').");
        }
    }

    /// <summary>
    /// <paramref name="key"/> as a whole number from <paramref name="min"/> to <paramref name="max"/>, or
    /// <paramref name="fallback"/> when it is unset; a malformed one is recorded (echoed: numbers are not secrets) and gives the fallback.
    /// </summary>
    public int WholeNumber(IConfiguration configuration, string key, int fallback, int min, int max = int.MaxValue)
    {
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max)
        {
            return number;
        }

        Add(key, max == int.MaxValue
            ? $"must be a whole number of at least {min} (got '{value}')."
            : $"must be a whole number from {min} to {max} (got '{value}').");
        return fallback;
    }

    public void Range(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (got {value}).");
        }
    }

    public void Range(string key, double value, double min, double max)
    {
        if (double.IsNaN(value) || value < min || value > max)
        {
            Add(key, $"must be between {min} and {max} (got {value}).");
        }
    }

    /// <summary>The result for <c>IValidateOptions</c>: success, or one message listing every problem.</summary>
    public ValidateOptionsResult ToResult() => problems.Count == 0
        ? ValidateOptionsResult.Success
        : ValidateOptionsResult.Fail(ToString());

    public override string ToString() => problems.Count == 0
        ? $"{subject} configuration is valid."
        : $"{subject} configuration is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): "
          + string.Join(" ", problems.Select((p, i) => $"({i + 1}) {p}"));

    public static bool IsHex(string value, int minLength, int maxLength) =>
        value.Length >= minLength && value.Length <= maxLength && value.All(char.IsAsciiHexDigit);
}
