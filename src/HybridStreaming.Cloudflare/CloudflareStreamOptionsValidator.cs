using System.Globalization;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cloudflare;

/// <summary>Start-up validation of <see cref="CloudflareStreamOptions"/>: one message that lists every bad value.</summary>
internal sealed class CloudflareStreamOptionsValidator : IValidateOptions<CloudflareStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudflareStreamOptions options)
    {
        var problems = new ConfigurationProblems("Cloudflare Stream");
        if (problems.Required("CLOUDFLARE_STREAM_ACCOUNT_ID", options.AccountId) && !ConfigurationProblems.IsHex(options.AccountId, 1, 32))
        {
            problems.Add("CLOUDFLARE_STREAM_ACCOUNT_ID", $"must be 1–32 hexadecimal characters (got '{options.AccountId}').");
        }

        problems.HeaderSafe("CLOUDFLARE_STREAM_API_TOKEN", options.ApiToken);
        problems.AbsoluteHttpUrl("CLOUDFLARE_API_BASE_URL", options.ApiBaseUrl);
        problems.AbsoluteHttpUrl("CLOUDFLARE_STREAM_PLAYBACK_BASE_URL", options.PlaybackBaseUrl);
        if (options.WebhookSecret is { Length: > 0 } webhook && string.IsNullOrWhiteSpace(webhook))
        {
            problems.Add("CLOUDFLARE_STREAM_WEBHOOK_SECRET", "must not be only whitespace.");
        }

        if (options.NotificationsSecret is { Length: > 0 } notifications && string.IsNullOrWhiteSpace(notifications))
        {
            problems.Add("CLOUDFLARE_NOTIFICATIONS_SECRET", "must not be only whitespace.");
        }

        if (!string.IsNullOrWhiteSpace(options.WebhookToleranceSeconds)
            && (!int.TryParse(options.WebhookToleranceSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 86_400))
        {
            problems.Add("CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS", $"must be a whole number of seconds between 1 and 86400 (got '{options.WebhookToleranceSeconds}').");
        }

        return problems.ToResult();
    }
}
