namespace HybridStreaming.Channels.Api.Application;

/// <summary>Which Cloudflare scheme a delivery uses (told apart by header).</summary>
public enum CloudflareWebhookKind
{
    /// <summary><c>Webhook-Signature: time=…,sig1=…</c> — the account's video webhook.</summary>
    Video,

    /// <summary><c>cf-webhook-auth: &lt;secret&gt;</c> — a Notifications destination (live input events).</summary>
    LiveInputNotification,
}

/// <summary>Checks provider signatures over the raw body, before anything parses it.</summary>
public interface IWebhookVerifier
{
    /// <returns>null when authentic, else why not (for the 401).</returns>
    string? VerifyAgora(IHeaderDictionary headers, ReadOnlySpan<byte> body);

    /// <returns>the scheme when authentic; the reason otherwise.</returns>
    (CloudflareWebhookKind? Kind, string? Problem) VerifyCloudflare(IHeaderDictionary headers, ReadOnlySpan<byte> body);
}
