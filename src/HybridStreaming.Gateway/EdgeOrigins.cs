namespace HybridStreaming.Gateway;

/// <summary>
/// Origins (<c>scheme://host[:port]</c>) read from configuration for the edge's CORS policy and
/// Content-Security-Policy. Browsers compare origins exactly, so a value with a path, a query, user
/// information or a scheme the directive cannot use would silently allow nothing (or the wrong thing):
/// such values are collected and reported at start-up instead, by name and value.
/// </summary>
internal static class EdgeOrigins
{
    public static readonly string[] HttpSchemes = [Uri.UriSchemeHttp, Uri.UriSchemeHttps];

    public static readonly string[] HttpAndWebSocketSchemes = [Uri.UriSchemeHttp, Uri.UriSchemeHttps, Uri.UriSchemeWs, Uri.UriSchemeWss];

    /// <summary>
    /// The origins of a comma-separated list, normalised (lower-case, default port left out) and without
    /// duplicates; every entry that is not an origin goes to <paramref name="invalid"/> as written.
    /// </summary>
    public static IReadOnlyList<string> ParseList(string? list, IReadOnlyCollection<string> schemes, bool allowWildcardHost, List<string> invalid)
    {
        var origins = new List<string>();
        foreach (var entry in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParse(entry, schemes, allowWildcardHost, out var origin))
            {
                if (!origins.Contains(origin, StringComparer.Ordinal))
                {
                    origins.Add(origin);
                }
            }
            else
            {
                invalid.Add(entry);
            }
        }

        return origins;
    }

    /// <summary>
    /// An origin: an absolute URL of one of <paramref name="schemes"/> with a host, no user information,
    /// and nothing after the authority but an optional "/". With <paramref name="allowWildcardHost"/> the
    /// host may start with <c>*.</c> followed by at least two labels (<c>https://*.example.com</c>, a CSP
    /// host wildcard; <c>*.com</c> would allow half the internet).
    /// </summary>
    public static bool TryParse(string value, IReadOnlyCollection<string> schemes, bool allowWildcardHost, out string origin)
    {
        origin = "";
        var authorityStart = value.IndexOf("://", StringComparison.Ordinal) + 3;
        var wildcard = allowWildcardHost && authorityStart > 3 && value.AsSpan(authorityStart).StartsWith("*.");
        // Uri does not parse "*": check the rest of the host with a placeholder label in its place.
        var parsable = wildcard ? string.Concat(value.AsSpan(0, authorityStart), "x", value.AsSpan(authorityStart + 1)) : value;
        if (!Uri.TryCreate(parsable, UriKind.Absolute, out var uri)
            || !schemes.Contains(uri.Scheme, StringComparer.Ordinal)
            || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }

        var normalised = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
        if (wildcard)
        {
            if (uri.Host.Count(c => c == '.') < 2)
            {
                return false;
            }

            normalised = string.Concat(normalised.AsSpan(0, authorityStart), "*", normalised.AsSpan(authorityStart + 1));
        }

        origin = normalised;
        return true;
    }

    /// <summary>The origin of an absolute http(s) URL (a base URL may have a path), or null when it is not one.</summary>
    public static string? OriginOf(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && HttpSchemes.Contains(uri.Scheme, StringComparer.Ordinal)
            && !string.IsNullOrEmpty(uri.Host) && string.IsNullOrEmpty(uri.UserInfo)
            ? uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)
            : null;
}
