using System.Text.RegularExpressions;

namespace HybridStreaming.Emulators.Common.Webhooks;

/// <summary>
/// Which events a provider is configured to deliver — as in the provider's console, where a project
/// subscribes to chosen events: a comma-separated list of event names or globs (<c>1.103,1.104</c>,
/// <c>3.*</c>); empty or <c>*</c> = every event. An event nobody subscribed to is never sent.
/// </summary>
public sealed class WebhookSubscription
{
    private readonly Regex[] _patterns;

    private WebhookSubscription(string text, Regex[] patterns)
    {
        Text = text;
        _patterns = patterns;
    }

    public static WebhookSubscription All { get; } = new("*", []);

    /// <summary>As configured: the list itself, or <c>*</c>.</summary>
    public string Text { get; }

    public static WebhookSubscription Parse(string? list)
    {
        var names = (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length == 0 || names.Contains("*")
            ? All
            : new WebhookSubscription(string.Join(',', names), [.. names.Select(Glob.ToRegex)]);
    }

    public bool Includes(string eventName) => _patterns.Length == 0 || _patterns.Any(p => p.IsMatch(eventName));

    public override string ToString() => Text;
}
