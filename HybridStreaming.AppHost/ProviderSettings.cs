using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost;

/// <summary>
/// The provider credentials of a local run (architecture §8): generated once, kept in
/// <c>.state/provider-credentials.json</c>, and handed to the emulators — and, with the same names,
/// to the services — so one set of values configures both sides. A value set in the AppHost's
/// configuration under its variable name (e.g. <c>AGORA_APP_ID</c>) wins over the generated one.
/// </summary>
public sealed record ProviderSettings(
    string AgoraAppId,
    string AgoraAppCertificate,
    string AgoraCustomerId,
    string AgoraCustomerSecret,
    string AgoraNcsSecret,
    string CloudflareAccountId,
    string CloudflareApiToken,
    string CloudflareWebhookSecret,
    string CloudflareNotificationsSecret)
{
    public const string FileName = "provider-credentials.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static ProviderSettings Load(string stateDirectory, IConfiguration configuration)
    {
        var path = Path.Combine(stateDirectory, FileName);
        ProviderSettings? stored = null;
        if (File.Exists(path))
        {
            try
            {
                stored = JsonSerializer.Deserialize<ProviderSettings>(File.ReadAllText(path));
            }
            catch (JsonException)
            {
                // Unreadable: generate new values below.
            }
        }

        if (stored is null)
        {
            stored = Generate();
            Directory.CreateDirectory(stateDirectory);
            File.WriteAllText(path, JsonSerializer.Serialize(stored, Json));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        string Pick(string name, string value) => configuration[name] is { Length: > 0 } configured ? configured : value;
        return new ProviderSettings(
            Pick("AGORA_APP_ID", stored.AgoraAppId),
            Pick("AGORA_APP_CERTIFICATE", stored.AgoraAppCertificate),
            Pick("AGORA_CUSTOMER_ID", stored.AgoraCustomerId),
            Pick("AGORA_CUSTOMER_SECRET", stored.AgoraCustomerSecret),
            Pick("AGORA_NCS_SECRET", stored.AgoraNcsSecret),
            Pick("CLOUDFLARE_STREAM_ACCOUNT_ID", stored.CloudflareAccountId),
            Pick("CLOUDFLARE_STREAM_API_TOKEN", stored.CloudflareApiToken),
            Pick("CLOUDFLARE_STREAM_WEBHOOK_SECRET", stored.CloudflareWebhookSecret),
            Pick("CLOUDFLARE_NOTIFICATIONS_SECRET", stored.CloudflareNotificationsSecret));
    }

    public static ProviderSettings Generate() => new(
        Hex32(), Hex32(), "dev" + Hex32()[..16], Secret(), Secret(), Hex32(), Secret(), Secret(), Secret());

    /// <summary>
    /// The provider credentials as the variables of architecture §8, and whether each is a secret (the
    /// AppHost makes them Aspire parameters; the dashboard masks the secret ones). The REST base URLs
    /// and the HLS origin are the emulators' endpoints, added by the AppHost.
    /// </summary>
    public IReadOnlyList<(string Name, string Value, bool Secret)> Variables() =>
    [
        ("AGORA_APP_ID", AgoraAppId, false),
        ("AGORA_APP_CERTIFICATE", AgoraAppCertificate, true),
        ("AGORA_CUSTOMER_ID", AgoraCustomerId, false),
        ("AGORA_CUSTOMER_SECRET", AgoraCustomerSecret, true),
        ("AGORA_NCS_SECRET", AgoraNcsSecret, true),
        ("CLOUDFLARE_STREAM_ACCOUNT_ID", CloudflareAccountId, false),
        ("CLOUDFLARE_STREAM_API_TOKEN", CloudflareApiToken, true),
        ("CLOUDFLARE_STREAM_WEBHOOK_SECRET", CloudflareWebhookSecret, true),
        ("CLOUDFLARE_NOTIFICATIONS_SECRET", CloudflareNotificationsSecret, true),
    ];

    private static string Hex32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    /// <summary>Never print the secrets (records print every property).</summary>
    public override string ToString() => $"ProviderSettings {{ AgoraAppId = {AgoraAppId}, CloudflareAccountId = {CloudflareAccountId} }}";
}
