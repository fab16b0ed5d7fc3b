using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HybridStreaming.Emulators.Common.Faults;

/// <summary>What a webhook fault does to a delivery.</summary>
public enum WebhookFaultAction
{
    /// <summary>The delivery is never sent (as if the provider lost it).</summary>
    Drop,

    /// <summary>The delivery is sent twice (same ids, as the providers' redundant deliveries).</summary>
    Duplicate,

    /// <summary>The delivery is held back and sent after the next one (or after <c>holdMs</c>).</summary>
    Reorder,
}

/// <summary>
/// One injected fault. Either an HTTP fault (<see cref="Method"/>/<see cref="PathPattern"/> set): a
/// matching request is delayed, hangs, or is answered with <see cref="Status"/> in the provider's own
/// error format; or a webhook fault (<see cref="WebhookAction"/> set): a matching outgoing delivery is
/// dropped, duplicated or reordered. Applies with probability <see cref="Rate"/>, at most
/// <see cref="Times"/> times, until it expires.
/// </summary>
public sealed class FaultRule
{
    private int _remaining;

    // The patterns, built on first use rather than for every request they are checked against (two
    // threads building one at once is harmless: both are the same pattern).
    private Regex? _path;
    private Regex? _event;

    public required string Id { get; init; }

    public string? Method { get; init; }

    public string? PathPattern { get; init; }

    public int? Status { get; init; }

    /// <summary>Replaces the provider-format error body when given.</summary>
    public JsonNode? Body { get; init; }

    public double Rate { get; init; } = 1.0;

    public int DelayMs { get; init; }

    public bool Hang { get; init; }

    public int? Times
    {
        get;
        init
        {
            field = value;
            _remaining = value ?? int.MaxValue;
        }
    }

    public required DateTimeOffset ExpiresAt { get; init; }

    public WebhookFaultAction? WebhookAction { get; init; }

    /// <summary>Glob on the webhook's event name ("live_input.*", "103"); null = every event.</summary>
    public string? EventPattern { get; init; }

    public int HoldMs { get; init; } = 5000;

    public int Applied => (Times ?? int.MaxValue) - Volatile.Read(ref _remaining);

    public bool IsWebhookFault => WebhookAction is not null;

    public bool IsExhausted => Volatile.Read(ref _remaining) <= 0;

    public bool Matches(string method, string path) =>
        !IsWebhookFault
        && (Method is null || Method == "*" || Method.Equals(method, StringComparison.OrdinalIgnoreCase))
        && (PathPattern is null || (_path ??= Glob.ToRegex(PathPattern)).IsMatch(path));

    public bool MatchesEvent(string eventName) =>
        IsWebhookFault && (EventPattern is null || (_event ??= Glob.ToRegex(EventPattern)).IsMatch(eventName));

    /// <summary>Rolls the dice and uses up one application; false when it does not apply this time.</summary>
    public bool TryApply()
    {
        if (Rate < 1.0 && Random.Shared.NextDouble() >= Rate)
        {
            return false;
        }

        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (remaining == int.MaxValue || Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["rate"] = Rate,
            ["times"] = Times,
            ["applied"] = Applied,
            ["expiresAt"] = Ids.Rfc3339(ExpiresAt),
        };
        if (IsWebhookFault)
        {
            json["webhook"] = new JsonObject
            {
                ["action"] = WebhookAction!.Value.ToString().ToLowerInvariant(),
                ["event"] = EventPattern,
                ["holdMs"] = HoldMs,
            };
        }
        else
        {
            json["match"] = new JsonObject { ["method"] = Method, ["path"] = PathPattern };
            json["status"] = Status;
            json["delayMs"] = DelayMs;
            json["hang"] = Hang;
            if (Body is not null)
            {
                json["body"] = Body.DeepClone();
            }
        }

        return json;
    }
}
