using System.Globalization;
using HybridStreaming.Cost.Api.Domain;

namespace HybridStreaming.Cost.Api.Application;

/// <summary>
/// The ledger's settings, from flat configuration names like the other services'
/// (<c>COST_LEDGER_DEADLINE_SECONDS</c>, <c>COST_AGORA_AUDIENCE</c>); docs/costs.md "The ledger".
/// </summary>
public sealed class CostOptions
{
    /// <summary>How long after <c>StreamEnded</c> the ledger waits for missing facts before it is written anyway.</summary>
    public TimeSpan LedgerDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A: the audience type Agora viewers are priced at (the watch page joins as the interactive audience).</summary>
    public AudienceType AgoraAudience { get; init; } = AudienceType.Interactive;

    public static CostOptions From(IConfiguration configuration)
    {
        var problems = new List<string>();
        var deadline = TimeSpan.FromMinutes(10);
        if (configuration["COST_LEDGER_DEADLINE_SECONDS"] is { Length: > 0 } seconds)
        {
            if (int.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 86_400)
            {
                deadline = TimeSpan.FromSeconds(value);
            }
            else
            {
                problems.Add($"COST_LEDGER_DEADLINE_SECONDS must be a whole number of seconds from 1 to 86400, not '{seconds}'");
            }
        }

        var audience = AudienceType.Interactive;
        if (configuration["COST_AGORA_AUDIENCE"] is { Length: > 0 } configured)
        {
            if (configured.Trim().ToLowerInvariant() is "interactive" or "broadcast")
            {
                audience = Enum.Parse<AudienceType>(configured.Trim(), ignoreCase: true);
            }
            else
            {
                problems.Add($"COST_AGORA_AUDIENCE must be interactive or broadcast, not '{configured}'");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Cost API configuration is invalid: " + string.Join("; ", problems) + ".");
        }

        return new CostOptions { LedgerDeadline = deadline, AgoraAudience = audience };
    }
}
