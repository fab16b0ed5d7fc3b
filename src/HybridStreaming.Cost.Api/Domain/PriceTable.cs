using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HybridStreaming.Contracts;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>
/// The validated price table the cost model reads: every price in USD per 1,000 minutes, and a
/// <see cref="Version"/> that changes whenever any price, source or date does (to be stored on ledger lines).
/// </summary>
public sealed class PriceTable
{
    private readonly PriceTableOptions options;

    private PriceTable(PriceTableOptions options)
    {
        this.options = options;
        StorageRetentionMonths = options.StorageRetentionMonths!.Value;
        Version = ComputeVersion(options);
    }

    /// <summary>The table with the built-in list prices.</summary>
    public static PriceTable Default { get; } = From(new PriceTableOptions());

    /// <summary>A short hash of the table's content, e.g. <c>pt-3f2a9c1b04de</c>.</summary>
    public string Version { get; }

    public int StorageRetentionMonths { get; }

    public decimal Host(RecordingTier tier) => Price(options.Agora.Host.For(tier));

    public decimal Audience(AudienceType audience, RecordingTier tier) => Price(audience switch
    {
        AudienceType.Interactive => options.Agora.InteractiveAudience.For(tier),
        AudienceType.Broadcast => options.Agora.BroadcastAudience.For(tier),
        _ => throw new ArgumentOutOfRangeException(nameof(audience), audience, "Unknown audience type."),
    });

    public decimal CloudRecording(RecordingTier tier) => Price(options.Agora.CloudRecording.For(tier));

    public decimal MediaPushTranscoding => Price(options.Agora.MediaPushTranscoding);

    /// <summary>Per 1,000 minutes stored for one month.</summary>
    public decimal Storage => Price(options.Cloudflare.Storage);

    public decimal Delivery => Price(options.Cloudflare.Delivery);

    /// <summary>Resolves validated options; throws when they would not pass <see cref="PriceTableValidator"/>.</summary>
    public static PriceTable From(PriceTableOptions options)
    {
        var problems = PriceTableValidator.Check(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(problems.ToString());
        }

        return new PriceTable(options);
    }

    /// <summary>Every entry with its configuration key, in a fixed order.</summary>
    internal static IEnumerable<(string Key, PriceEntry? Entry)> Entries(PriceTableOptions options)
    {
        foreach (var (name, prices) in new[]
                 {
                     ("Host", options.Agora?.Host),
                     ("InteractiveAudience", options.Agora?.InteractiveAudience),
                     ("BroadcastAudience", options.Agora?.BroadcastAudience),
                     ("CloudRecording", options.Agora?.CloudRecording),
                 })
        {
            foreach (var tier in Enum.GetValues<RecordingTier>())
            {
                yield return ($"{PriceTableOptions.Section}:Agora:{name}:{tier}", prices?.For(tier));
            }
        }

        yield return ($"{PriceTableOptions.Section}:Agora:MediaPushTranscoding", options.Agora?.MediaPushTranscoding);
        yield return ($"{PriceTableOptions.Section}:Cloudflare:Storage", options.Cloudflare?.Storage);
        yield return ($"{PriceTableOptions.Section}:Cloudflare:Delivery", options.Cloudflare?.Delivery);
    }

    private static decimal Price(PriceEntry entry) => entry.UsdPer1000Minutes!.Value;

    private static string ComputeVersion(PriceTableOptions options)
    {
        var content = new StringBuilder();
        foreach (var (key, entry) in Entries(options))
        {
            // Normalised so 3.99 and 3.990 are the same price.
            content.Append(CultureInfo.InvariantCulture, $"{key}={entry!.UsdPer1000Minutes!.Value.ToString("0.############################", CultureInfo.InvariantCulture)}|{entry.Source}|{entry.TakenOn:yyyy-MM-dd}\n");
        }

        content.Append(CultureInfo.InvariantCulture, $"StorageRetentionMonths={options.StorageRetentionMonths}\n");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(content.ToString()));
        return "pt-" + Convert.ToHexStringLower(hash)[..12];
    }
}
