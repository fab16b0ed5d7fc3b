using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cloudflare;

/// <summary>Outcome of a Cloudflare webhook check.</summary>
public enum CloudflareWebhookStatus
{
    Valid,

    /// <summary>The header was not sent.</summary>
    Missing,

    /// <summary><c>Webhook-Signature</c> lacks a numeric <c>time</c> or a <c>sig1</c>.</summary>
    Malformed,

    /// <summary>The signed time is further from now than the tolerance (a replay, or a clock far off).</summary>
    Expired,

    /// <summary>The signature or secret does not match.</summary>
    Invalid,
}

/// <summary>
/// Verifies both Cloudflare webhook schemes (cloudflare-stream.md §5): the Stream webhook's
/// <c>Webhook-Signature: time=…,sig1=…</c> (lowercase hex HMAC-SHA256 of <c>"&lt;time&gt;." + raw body</c>
/// keyed with the secret's UTF-8 bytes) and Notifications' <c>cf-webhook-auth</c> (the secret itself).
/// Both compare in constant time. Verify the raw bytes as received, before parsing.
/// </summary>
public sealed class CloudflareWebhookVerifier(IOptions<CloudflareStreamOptions> options, TimeProvider time)
{
    public const string SignatureHeaderName = "Webhook-Signature";
    public const string NotificationAuthHeaderName = "cf-webhook-auth";

    /// <summary>Checks <c>Webhook-Signature</c> with <c>CLOUDFLARE_STREAM_WEBHOOK_SECRET</c> and the configured tolerance.</summary>
    public CloudflareWebhookStatus VerifyStreamWebhook(ReadOnlySpan<byte> rawBody, string? signatureHeader)
    {
        var settings = options.Value;
        var secret = settings.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("CLOUDFLARE_STREAM_WEBHOOK_SECRET is not configured: Stream webhooks cannot be verified.");
        }

        return VerifySignature(rawBody, signatureHeader, secret, time.GetUtcNow(), settings.WebhookTolerance);
    }

    /// <summary>Checks <c>cf-webhook-auth</c> against <c>CLOUDFLARE_NOTIFICATIONS_SECRET</c>.</summary>
    public CloudflareWebhookStatus VerifyNotification(string? authHeader)
    {
        var secret = options.Value.NotificationsSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("CLOUDFLARE_NOTIFICATIONS_SECRET is not configured: live input notifications cannot be verified.");
        }

        return string.IsNullOrEmpty(authHeader) ? CloudflareWebhookStatus.Missing
            : HmacSignature.SecretEquals(authHeader, secret) ? CloudflareWebhookStatus.Valid
            : CloudflareWebhookStatus.Invalid;
    }

    /// <summary>Either scheme, told apart by header as the gateway routes them (architecture §8.2).</summary>
    public CloudflareWebhookStatus Verify(ReadOnlySpan<byte> rawBody, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.ContainsKey(SignatureHeaderName)
            ? VerifyStreamWebhook(rawBody, headers[SignatureHeaderName].ToString())
            : VerifyNotification(headers[NotificationAuthHeaderName].ToString());
    }

    /// <summary>The <c>Webhook-Signature</c> check itself, with an explicit secret, clock and tolerance.</summary>
    public static CloudflareWebhookStatus VerifySignature(
        ReadOnlySpan<byte> rawBody, string? signatureHeader, string secret, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return CloudflareWebhookStatus.Missing;
        }

        long? signedAt = null;
        var signatures = new List<string>();
        foreach (var part in signatureHeader.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var (key, value) = (part[..equals], part[(equals + 1)..]);
            if (key == "time" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                signedAt = seconds;
            }
            else if (key == "sig1" && value.Length > 0)
            {
                signatures.Add(value);
            }
        }

        if (signedAt is not { } timestamp || signatures.Count == 0)
        {
            return CloudflareWebhookStatus.Malformed;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return CloudflareWebhookStatus.Expired;
        }

        var expected = Mac(timestamp, rawBody, secret);
        var valid = false;
        foreach (var signature in signatures)
        {
            valid |= HmacSignature.HexMatches(expected, signature);
        }

        return valid ? CloudflareWebhookStatus.Valid : CloudflareWebhookStatus.Invalid;
    }

    /// <summary>The <c>sig1</c> Cloudflare would send for <paramref name="rawBody"/> signed at <paramref name="unixTime"/>.</summary>
    public static string ComputeSignature(long unixTime, ReadOnlySpan<byte> rawBody, string secret) =>
        Convert.ToHexStringLower(Mac(unixTime, rawBody, secret));

    /// <summary>Parses a Notifications delivery (after <see cref="VerifyNotification"/>).</summary>
    public static LiveInputNotification ParseNotification(ReadOnlySpan<byte> rawBody)
    {
        try
        {
            return JsonSerializer.Deserialize(rawBody, CloudflareJsonContext.Default.LiveInputNotification)
                ?? throw new FormatException("The notification body is null.");
        }
        catch (JsonException exception)
        {
            throw new FormatException($"Not a live input notification (data.input_id and data.event_type are required): {exception.Message}", exception);
        }
    }

    /// <summary>Parses a Stream webhook delivery — a video object (after <see cref="VerifyStreamWebhook"/>).</summary>
    public static StreamVideo ParseStreamWebhook(ReadOnlySpan<byte> rawBody)
    {
        try
        {
            return JsonSerializer.Deserialize(rawBody, CloudflareJsonContext.Default.StreamVideo)
                ?? throw new FormatException("The webhook body is null.");
        }
        catch (JsonException exception)
        {
            throw new FormatException($"Not a Stream video webhook (uid is required): {exception.Message}", exception);
        }
    }

    private static byte[] Mac(long unixTime, ReadOnlySpan<byte> rawBody, string secret)
    {
        var prefix = Encoding.UTF8.GetBytes(unixTime.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
