using System.Text.RegularExpressions;

namespace HybridStreaming.Emulators.Common;

/// <summary>The emulators' one wildcard syntax (fault matches, webhook subscriptions): '*' matches any run of characters, '/' included.</summary>
public static class Glob
{
    public static Regex ToRegex(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
