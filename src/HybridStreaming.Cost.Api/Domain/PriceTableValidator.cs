using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>Start-up validation of the <c>Prices</c> section: one message that lists every bad entry.</summary>
public sealed class PriceTableValidator : IValidateOptions<PriceTableOptions>
{
    public ValidateOptionsResult Validate(string? name, PriceTableOptions options) => Check(options).ToResult();

    internal static ConfigurationProblems Check(PriceTableOptions options)
    {
        var problems = new ConfigurationProblems("The Cost API's price table");
        foreach (var (key, entry) in PriceTable.Entries(options))
        {
            if (entry is null)
            {
                problems.Add(key, "is missing.");
                continue;
            }

            if (entry.UsdPer1000Minutes is not { } price)
            {
                problems.Add($"{key}:UsdPer1000Minutes", "is missing.");
            }
            else if (price < 0)
            {
                problems.Add($"{key}:UsdPer1000Minutes", $"must not be negative (got {price}).");
            }

            problems.Required($"{key}:Source", entry.Source);
            if (entry.TakenOn is null)
            {
                problems.Add($"{key}:TakenOn", "is missing (a date, e.g. 2026-06-30).");
            }
        }

        if (options.StorageRetentionMonths is not { } months)
        {
            problems.Add($"{PriceTableOptions.Section}:StorageRetentionMonths", "is missing.");
        }
        else if (months < 1)
        {
            problems.Add($"{PriceTableOptions.Section}:StorageRetentionMonths", $"must be at least 1 (got {months}).");
        }

        return problems;
    }
}
