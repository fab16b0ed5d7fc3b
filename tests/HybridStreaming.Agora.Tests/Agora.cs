using HybridStreaming.ProviderTesting;
using Microsoft.Extensions.DependencyInjection;

namespace HybridStreaming.Agora.Tests;

/// <summary>Configuration and wiring the Agora tests share. Secrets are distinctive so a leak is easy to find.</summary>
internal static class Agora
{
    public const string AppId = "970CA35de60c44645bbae8a215061b33";
    public const string AppCertificate = "5CFd2fd1755d40ecb72977518be15d3b";
    public const string CustomerId = "customer-id-1";
    public const string CustomerSecret = "CUSTOMER-SECRET-do-not-log";
    public const string StorageAccessKey = "STORAGE-ACCESS-KEY-do-not-log";
    public const string StorageSecretKey = "STORAGE-SECRET-KEY-do-not-log";
    public const string NcsSecret = "secret";
    public const string BaseUrl = "https://agora.test";

    public static string BasicCredentials => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{CustomerId}:{CustomerSecret}"));

    public static Dictionary<string, string?> Configuration(Action<Dictionary<string, string?>>? change = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AGORA_APP_ID"] = AppId,
            ["AGORA_APP_CERTIFICATE"] = AppCertificate,
            ["AGORA_CUSTOMER_ID"] = CustomerId,
            ["AGORA_CUSTOMER_SECRET"] = CustomerSecret,
            ["AGORA_API_BASE_URL"] = BaseUrl,
            ["AGORA_NCS_SECRET"] = NcsSecret,
            ["AGORA_RECORDING_STORAGE_VENDOR"] = "1",
            ["AGORA_RECORDING_STORAGE_REGION"] = "0",
            ["AGORA_RECORDING_STORAGE_BUCKET"] = "recordings",
            ["AGORA_RECORDING_STORAGE_ACCESS_KEY"] = StorageAccessKey,
            ["AGORA_RECORDING_STORAGE_SECRET_KEY"] = StorageSecretKey,
            // Fast retries for tests; the breaker stays out of the way unless a test lowers its threshold.
            ["AGORA_HTTP:RetryBaseDelay"] = "00:00:00.010",
            ["AGORA_HTTP:RetryMaxDelay"] = "00:00:00.040",
            ["AGORA_HTTP:BreakerMinimumThroughput"] = "100",
        };
        change?.Invoke(values);
        return values;
    }

    public static ProviderTestHost Host(StubHttpHandler stub, Action<Dictionary<string, string?>>? change = null) =>
        new(Configuration(change), (services, configuration) => services.AddAgoraClients(configuration),
            AgoraServiceCollectionExtensions.ProviderName, stub);
}
