using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.Agora;

/// <summary>
/// Agora settings, bound from flat configuration keys (environment variables use the same names).
/// Every secret stays out of <see cref="ToString"/> and out of validation messages.
/// </summary>
public sealed class AgoraOptions
{
    public const string DefaultApiBaseUrl = "https://api.agora.io";

    /// <summary>Section of the resilience settings (<c>AGORA_HTTP__MaxRetryAttempts</c>, …).</summary>
    public const string ResilienceSection = "AGORA_HTTP";

    public static readonly IReadOnlyList<string> MediaPushRegions = ["na", "eu", "ap", "cn"];
    public static readonly IReadOnlyList<string> RecordingModes = ["mix", "individual", "web"];

    /// <summary>Storage vendors of Cloud Recording's <c>storageConfig.vendor</c> (agora.md §2.3).</summary>
    public static readonly IReadOnlyList<int> StorageVendors = [1, 2, 3, 5, 6, 7, 8, 11];

    [ConfigurationKeyName("AGORA_APP_ID")]
    public string AppId { get; set; } = "";

    /// <summary>Secret: signs AccessToken2 tokens.</summary>
    [ConfigurationKeyName("AGORA_APP_CERTIFICATE")]
    public string AppCertificate { get; set; } = "";

    [ConfigurationKeyName("AGORA_CUSTOMER_ID")]
    public string CustomerId { get; set; } = "";

    /// <summary>Secret: REST Basic auth password.</summary>
    [ConfigurationKeyName("AGORA_CUSTOMER_SECRET")]
    public string CustomerSecret { get; set; } = "";

    /// <summary>REST host; paths (<c>/v1/apps/…</c>, <c>/{region}/v1/projects/…</c>) are appended.</summary>
    [ConfigurationKeyName("AGORA_API_BASE_URL")]
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Secret: key of the NCS webhook signatures. Optional; verification refuses to run without it.</summary>
    [ConfigurationKeyName("AGORA_NCS_SECRET")]
    public string? NcsSecret { get; set; }

    /// <summary>Region of the CDN origin for Media Push: na | eu | ap | cn.</summary>
    [ConfigurationKeyName("AGORA_MEDIA_PUSH_REGION")]
    public string MediaPushRegion { get; set; } = "na";

    /// <summary>Cloud Recording mode: mix (composite) | individual | web.</summary>
    [ConfigurationKeyName("AGORA_RECORDING_MODE")]
    public string RecordingMode { get; set; } = "mix";

    /// <summary>Storage vendor number (1 Amazon S3 … 11 S3-compatible). The storage settings are all or nothing.</summary>
    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_VENDOR")]
    public string? RecordingStorageVendor { get; set; }

    /// <summary>Vendor-specific region number (S3: 0 us-east-1, …).</summary>
    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_REGION")]
    public string? RecordingStorageRegion { get; set; }

    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_BUCKET")]
    public string? RecordingStorageBucket { get; set; }

    /// <summary>Secret.</summary>
    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_ACCESS_KEY")]
    public string? RecordingStorageAccessKey { get; set; }

    /// <summary>Secret.</summary>
    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_SECRET_KEY")]
    public string? RecordingStorageSecretKey { get; set; }

    /// <summary>Optional <c>storageConfig.extensionParams.endpoint</c>; required for vendor 11 (S3-compatible).</summary>
    [ConfigurationKeyName("AGORA_RECORDING_STORAGE_ENDPOINT")]
    public string? RecordingStorageEndpoint { get; set; }

    /// <summary>True when any storage setting is given (then all of them must be).</summary>
    public bool HasRecordingStorage =>
        !string.IsNullOrWhiteSpace(RecordingStorageVendor) || !string.IsNullOrWhiteSpace(RecordingStorageRegion)
        || !string.IsNullOrWhiteSpace(RecordingStorageBucket) || !string.IsNullOrWhiteSpace(RecordingStorageAccessKey)
        || !string.IsNullOrWhiteSpace(RecordingStorageSecretKey);

    internal Uri ApiBaseUri => new(ApiBaseUrl.TrimEnd('/') + "/", UriKind.Absolute);

    internal int StorageVendorNumber => int.Parse(RecordingStorageVendor!, NumberStyles.None, CultureInfo.InvariantCulture);

    internal int StorageRegionNumber => int.Parse(RecordingStorageRegion!, NumberStyles.None, CultureInfo.InvariantCulture);

    public override string ToString() =>
        $"AgoraOptions {{ AppId = {AppId}, AppCertificate = {Mask(AppCertificate)}, CustomerId = {CustomerId}, " +
        $"CustomerSecret = {Mask(CustomerSecret)}, ApiBaseUrl = {ApiBaseUrl}, NcsSecret = {Mask(NcsSecret)}, " +
        $"MediaPushRegion = {MediaPushRegion}, RecordingMode = {RecordingMode}, RecordingStorageVendor = {RecordingStorageVendor}, " +
        $"RecordingStorageRegion = {RecordingStorageRegion}, RecordingStorageBucket = {RecordingStorageBucket}, " +
        $"RecordingStorageAccessKey = {Mask(RecordingStorageAccessKey)}, RecordingStorageSecretKey = {Mask(RecordingStorageSecretKey)}, " +
        $"RecordingStorageEndpoint = {RecordingStorageEndpoint} }}";

    internal static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : "***";
}
