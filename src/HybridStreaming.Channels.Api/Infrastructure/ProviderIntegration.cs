using HybridStreaming.Agora;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Cloudflare;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Channels.Api.Infrastructure;

internal static class ProviderIntegration
{
    /// <summary>The provider pieces the Channel API uses: AccessToken2 tokens and webhook signatures.</summary>
    public static IHostApplicationBuilder AddProviderIntegration(this IHostApplicationBuilder builder)
    {
        builder.AddAgoraClients();
        builder.AddCloudflareStreamClient();
        builder.Services.AddSingleton<IAgoraRtc, AgoraRtc>();
        builder.Services.AddSingleton<IWebhookVerifier, ProviderWebhookVerifier>();
        return builder;
    }
}

internal sealed class AgoraRtc(RtcTokenBuilder tokens, IOptions<AgoraOptions> options, TimeProvider clock) : IAgoraRtc
{
    public string AppId => options.Value.AppId;

    public RtcToken IssueToken(string channelName, uint uid, Application.RtcRole role, TimeSpan lifetime)
    {
        var token = tokens.BuildTokenWithUid(
            AppId,
            options.Value.AppCertificate,
            channelName,
            uid,
            role == Application.RtcRole.Publisher ? Agora.RtcRole.Publisher : Agora.RtcRole.Subscriber,
            lifetime,
            lifetime);
        return new RtcToken(token, clock.GetUtcNow() + lifetime);
    }
}

/// <summary>Both providers' signature schemes, checked over the raw body (architecture §8.2).</summary>
internal sealed class ProviderWebhookVerifier(NcsSignatureVerifier agora, CloudflareWebhookVerifier cloudflare) : IWebhookVerifier
{
    public string? VerifyAgora(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        try
        {
            var status = agora.Verify(body, headers);
            return status.IsValid() ? null : $"Agora-Signature-V2 / Agora-Signature: {status}.";
        }
        catch (InvalidOperationException notConfigured)
        {
            return notConfigured.Message;
        }
    }

    public (CloudflareWebhookKind? Kind, string? Problem) VerifyCloudflare(IHeaderDictionary headers, ReadOnlySpan<byte> body)
    {
        try
        {
            if (headers.ContainsKey(CloudflareWebhookVerifier.SignatureHeaderName))
            {
                var status = cloudflare.VerifyStreamWebhook(body, headers[CloudflareWebhookVerifier.SignatureHeaderName].ToString());
                return status == CloudflareWebhookStatus.Valid ? (CloudflareWebhookKind.Video, null) : (null, $"Webhook-Signature: {status}.");
            }

            if (headers.ContainsKey(CloudflareWebhookVerifier.NotificationAuthHeaderName))
            {
                var status = cloudflare.VerifyNotification(headers[CloudflareWebhookVerifier.NotificationAuthHeaderName].ToString());
                return status == CloudflareWebhookStatus.Valid ? (CloudflareWebhookKind.LiveInputNotification, null) : (null, $"cf-webhook-auth: {status}.");
            }

            return (null, "Neither Webhook-Signature nor cf-webhook-auth was sent.");
        }
        catch (InvalidOperationException notConfigured)
        {
            return (null, notConfigured.Message);
        }
    }
}
