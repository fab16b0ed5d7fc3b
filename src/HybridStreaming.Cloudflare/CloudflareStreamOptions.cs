using Microsoft.Extensions.Configuration;

namespace HybridStreaming.Cloudflare;

/// <summary>
/// Cloudflare Stream settings, bound from flat configuration keys (environment variables use the same
/// names). Secrets stay out of <see cref="ToString"/> and out of validation messages.
/// </summary>
public sealed class CloudflareStreamOptions
{
    public const string DefaultApiBaseUrl = "https://api.cloudflare.com/client/v4";

    /// <summary>Section of the resilience settings (<c>CLOUDFLARE_HTTP__MaxRetryAttempts</c>, …).</summary>
    public const string ResilienceSection = "CLOUDFLARE_HTTP";

    public const int DefaultWebhookToleranceSeconds = 300;

    /// <summary>Account id: up to 32 hexadecimal characters.</summary>
    [ConfigurationKeyName("CLOUDFLARE_STREAM_ACCOUNT_ID")]
    public string AccountId { get; set; } = "";

    /// <summary>Secret: API token with Stream Write, sent as <c>Authorization: Bearer</c>.</summary>
    [ConfigurationKeyName("CLOUDFLARE_STREAM_API_TOKEN")]
    public string ApiToken { get; set; } = "";

    /// <summary>API base including <c>/client/v4</c>; <c>/accounts/{id}/stream/…</c> is appended.</summary>
    [ConfigurationKeyName("CLOUDFLARE_API_BASE_URL")]
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>HLS origin, e.g. <c>https://customer-&lt;code&gt;.cloudflarestream.com</c>.</summary>
    [ConfigurationKeyName("CLOUDFLARE_STREAM_PLAYBACK_BASE_URL")]
    public string PlaybackBaseUrl { get; set; } = "";

    /// <summary>Secret: key of <c>Webhook-Signature</c> (the <c>secret</c> the webhook API returns). Optional.</summary>
    [ConfigurationKeyName("CLOUDFLARE_STREAM_WEBHOOK_SECRET")]
    public string? WebhookSecret { get; set; }

    /// <summary>Secret: the value Notifications sends in <c>cf-webhook-auth</c>. Optional.</summary>
    [ConfigurationKeyName("CLOUDFLARE_NOTIFICATIONS_SECRET")]
    public string? NotificationsSecret { get; set; }

    /// <summary>
    /// How old (or how far ahead) a <c>Webhook-Signature</c> time may be, in seconds (1–86400). Kept as
    /// text so a malformed value is reported with the others instead of failing the binder on its own.
    /// </summary>
    [ConfigurationKeyName("CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS")]
    public string? WebhookToleranceSeconds { get; set; }

    /// <summary>The tolerance of <see cref="WebhookToleranceSeconds"/> (5 minutes when unset).</summary>
    public TimeSpan WebhookTolerance => TimeSpan.FromSeconds(
        int.TryParse(WebhookToleranceSeconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : DefaultWebhookToleranceSeconds);

    internal Uri ApiBaseUri => new(ApiBaseUrl.TrimEnd('/') + "/", UriKind.Absolute);

    public override string ToString() =>
        $"CloudflareStreamOptions {{ AccountId = {AccountId}, ApiToken = {Mask(ApiToken)}, ApiBaseUrl = {ApiBaseUrl}, " +
        $"PlaybackBaseUrl = {PlaybackBaseUrl}, WebhookSecret = {Mask(WebhookSecret)}, NotificationsSecret = {Mask(NotificationsSecret)}, " +
        $"WebhookToleranceSeconds = {WebhookToleranceSeconds} }}";

    internal static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : "***";
}
