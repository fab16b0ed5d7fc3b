using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Http;

namespace HybridStreaming.Emulators.Common.Faults;

/// <summary>The active faults of one emulator (none by default). Expired and used-up faults disappear by themselves.</summary>
public sealed class FaultStore(TimeProvider time)
{
    private static readonly string[] Actions = ["drop", "duplicate", "reorder"];
    private readonly ConcurrentDictionary<string, FaultRule> _rules = new(StringComparer.Ordinal);

    public IReadOnlyList<FaultRule> Active
    {
        get
        {
            var now = time.GetUtcNow();
            foreach (var rule in _rules.Values.Where(r => r.ExpiresAt <= now || r.IsExhausted))
            {
                _rules.TryRemove(rule.Id, out _);
            }

            return [.. _rules.Values.OrderBy(r => r.ExpiresAt)];
        }
    }

    /// <summary>The first active HTTP fault for this request that applies this time (its use is counted).</summary>
    public FaultRule? ForRequest(string method, string path) =>
        Active.FirstOrDefault(r => r.Matches(method, path) && r.TryApply());

    /// <summary>The first active webhook fault for this event that applies this time.</summary>
    public FaultRule? ForWebhook(string eventName) =>
        Active.FirstOrDefault(r => r.MatchesEvent(eventName) && r.TryApply());

    public bool Remove(string id) => _rules.TryRemove(id, out _);

    public void Clear() => _rules.Clear();

    /// <summary>Validates and adds a fault from its JSON description; returns the errors when invalid.</summary>
    public (FaultRule? Rule, IReadOnlyList<string> Errors) Add(JsonBody body)
    {
        var match = body.Object("match");
        var webhook = body.Object("webhook");
        var method = body.String("match.method");
        var path = body.String("match.path");
        var status = body.Integer("status", 100, 599);
        var rate = body.Number("rate", 0, 1) ?? 1.0;
        var delay = body.Integer("delayMs", 0, 600_000) ?? 0;
        var hang = body.Bool("hang") ?? false;
        var times = body.Integer("times", 1, int.MaxValue);
        var ttl = body.Integer("ttlSeconds", 1, 86_400) ?? 60;
        var action = body.OneOf("webhook.action", Actions, required: webhook is not null);
        var eventPattern = body.String("webhook.event");
        var hold = body.Integer("webhook.holdMs", 0, 600_000) ?? 5000;

        if (body.IsValid)
        {
            if ((match is null) == (webhook is null))
            {
                body.Error("give exactly one of match (an HTTP fault) or webhook (a webhook delivery fault)");
            }
            else if (match is not null && status is null && !hang && delay == 0)
            {
                body.Error("an HTTP fault needs status, hang or delayMs");
            }
            else if (path is not null && !path.StartsWith('/') && !path.StartsWith('*'))
            {
                body.Error("match.path must start with '/' or '*'");
            }
        }

        if (!body.IsValid)
        {
            return (null, body.Errors);
        }

        var rule = new FaultRule
        {
            Id = Ids.Hex32(),
            Method = method,
            PathPattern = path,
            Status = (int?)status,
            Body = body.Root["body"]?.DeepClone(),
            Rate = rate,
            DelayMs = (int)delay,
            Hang = hang,
            Times = (int?)times,
            ExpiresAt = time.GetUtcNow().AddSeconds(ttl),
            WebhookAction = action is null ? null : Enum.Parse<WebhookFaultAction>(action, ignoreCase: true),
            EventPattern = eventPattern,
            HoldMs = (int)hold,
        };
        _rules[rule.Id] = rule;
        return (rule, []);
    }
}
