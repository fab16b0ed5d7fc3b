using System.Globalization;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Agora;

/// <summary>Start-up validation of <see cref="AgoraOptions"/>: one message that lists every bad value.</summary>
internal sealed class AgoraOptionsValidator : IValidateOptions<AgoraOptions>
{
    public ValidateOptionsResult Validate(string? name, AgoraOptions options)
    {
        var problems = new ConfigurationProblems("Agora");
        problems.Hex("AGORA_APP_ID", options.AppId, 32);
        problems.Hex("AGORA_APP_CERTIFICATE", options.AppCertificate, 32);
        // A ':' in the customer id would split the Basic credentials in the wrong place.
        problems.HeaderSafe("AGORA_CUSTOMER_ID", options.CustomerId, forbidden: ":");
        problems.HeaderSafe("AGORA_CUSTOMER_SECRET", options.CustomerSecret);
        problems.AbsoluteHttpUrl("AGORA_API_BASE_URL", options.ApiBaseUrl);
        if (options.NcsSecret is { Length: > 0 } && string.IsNullOrWhiteSpace(options.NcsSecret))
        {
            problems.Add("AGORA_NCS_SECRET", "must not be only whitespace.");
        }

        problems.OneOf("AGORA_MEDIA_PUSH_REGION", options.MediaPushRegion, [.. AgoraOptions.MediaPushRegions]);
        problems.OneOf("AGORA_RECORDING_MODE", options.RecordingMode, [.. AgoraOptions.RecordingModes]);

        if (options.HasRecordingStorage)
        {
            ValidateStorage(options, problems);
        }

        return problems.ToResult();
    }

    private static void ValidateStorage(AgoraOptions options, ConfigurationProblems problems)
    {
        bool Present(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                return true;
            }

            problems.Add(key, "is missing (the AGORA_RECORDING_STORAGE_* settings are all or nothing).");
            return false;
        }

        if (Present("AGORA_RECORDING_STORAGE_VENDOR", options.RecordingStorageVendor))
        {
            if (!int.TryParse(options.RecordingStorageVendor, NumberStyles.None, CultureInfo.InvariantCulture, out var vendor)
                || !AgoraOptions.StorageVendors.Contains(vendor))
            {
                problems.Add("AGORA_RECORDING_STORAGE_VENDOR",
                    $"must be one of {string.Join(", ", AgoraOptions.StorageVendors)} (got '{options.RecordingStorageVendor}').");
            }
            else if (vendor == 11 && string.IsNullOrWhiteSpace(options.RecordingStorageEndpoint))
            {
                problems.Add("AGORA_RECORDING_STORAGE_ENDPOINT", "is required for vendor 11 (S3-compatible storage).");
            }
        }

        if (Present("AGORA_RECORDING_STORAGE_REGION", options.RecordingStorageRegion)
            && !int.TryParse(options.RecordingStorageRegion, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            problems.Add("AGORA_RECORDING_STORAGE_REGION", $"must be the vendor's region number, e.g. 0 (got '{options.RecordingStorageRegion}').");
        }

        Present("AGORA_RECORDING_STORAGE_BUCKET", options.RecordingStorageBucket);
        Present("AGORA_RECORDING_STORAGE_ACCESS_KEY", options.RecordingStorageAccessKey);
        Present("AGORA_RECORDING_STORAGE_SECRET_KEY", options.RecordingStorageSecretKey);
        problems.AbsoluteHttpUrl("AGORA_RECORDING_STORAGE_ENDPOINT", options.RecordingStorageEndpoint, required: false);
    }
}
