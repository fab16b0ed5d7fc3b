using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace HybridStreaming.Agora.Tests;

public sealed class AgoraOptionsTests
{
    [Fact]
    public void Every_flat_configuration_key_binds_to_its_option()
    {
        using var host = Agora.Host(new StubHttpHandler(), values =>
        {
            values["AGORA_MEDIA_PUSH_REGION"] = "eu";
            values["AGORA_RECORDING_MODE"] = "individual";
            values["AGORA_RECORDING_STORAGE_ENDPOINT"] = "https://s3.example.test";
        });

        var options = host.Get<IOptions<AgoraOptions>>().Value;

        options.AppId.Should().Be(Agora.AppId);
        options.AppCertificate.Should().Be(Agora.AppCertificate);
        options.CustomerId.Should().Be(Agora.CustomerId);
        options.CustomerSecret.Should().Be(Agora.CustomerSecret);
        options.ApiBaseUrl.Should().Be(Agora.BaseUrl);
        options.NcsSecret.Should().Be(Agora.NcsSecret);
        options.MediaPushRegion.Should().Be("eu");
        options.RecordingMode.Should().Be("individual");
        options.RecordingStorageVendor.Should().Be("1");
        options.RecordingStorageRegion.Should().Be("0");
        options.RecordingStorageBucket.Should().Be("recordings");
        options.RecordingStorageAccessKey.Should().Be(Agora.StorageAccessKey);
        options.RecordingStorageSecretKey.Should().Be(Agora.StorageSecretKey);
        options.RecordingStorageEndpoint.Should().Be("https://s3.example.test");
    }

    [Fact]
    public void Defaults_are_the_production_host_region_na_and_mix_mode()
    {
        var options = new AgoraOptions();

        options.ApiBaseUrl.Should().Be("https://api.agora.io");
        options.MediaPushRegion.Should().Be("na");
        options.RecordingMode.Should().Be("mix");
    }

    [Fact]
    public void Validation_lists_every_missing_or_malformed_value_in_one_message()
    {
        using var host = new ProviderTestHost(new Dictionary<string, string?>
        {
            ["AGORA_APP_CERTIFICATE"] = "not-hex-CERTIFICATE-VALUE",
            ["AGORA_CUSTOMER_ID"] = "has:colon",
            ["AGORA_API_BASE_URL"] = "ftp://agora.test",
            ["AGORA_MEDIA_PUSH_REGION"] = "us",
            ["AGORA_RECORDING_MODE"] = "composite",
            ["AGORA_RECORDING_STORAGE_VENDOR"] = "4",
            ["AGORA_RECORDING_STORAGE_REGION"] = "east",
        }, (services, configuration) => services.AddAgoraClients(configuration), AgoraServiceCollectionExtensions.ProviderName, new StubHttpHandler());

        var act = () => host.Get<IOptions<AgoraOptions>>().Value;

        var failure = act.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().ContainSingle();
        failure.Message.Should().Contain("Agora configuration is invalid (12 problems)")
            .And.Contain("AGORA_APP_ID is missing")
            .And.Contain("AGORA_APP_CERTIFICATE must be exactly 32 hexadecimal characters (it has 25 characters, not all hexadecimal)")
            .And.Contain("AGORA_CUSTOMER_ID must not contain any of the characters ':'")
            .And.Contain("AGORA_CUSTOMER_SECRET is missing")
            .And.Contain("AGORA_API_BASE_URL must be an absolute http:// or https:// URL")
            .And.Contain("AGORA_MEDIA_PUSH_REGION must be one of na, eu, ap, cn (got 'us')")
            .And.Contain("AGORA_RECORDING_MODE must be one of mix, individual, web (got 'composite')")
            .And.Contain("AGORA_RECORDING_STORAGE_VENDOR must be one of 1, 2, 3, 5, 6, 7, 8, 11 (got '4')")
            .And.Contain("AGORA_RECORDING_STORAGE_REGION must be the vendor's region number")
            .And.Contain("AGORA_RECORDING_STORAGE_BUCKET is missing (the AGORA_RECORDING_STORAGE_* settings are all or nothing)")
            .And.Contain("AGORA_RECORDING_STORAGE_ACCESS_KEY is missing")
            .And.Contain("AGORA_RECORDING_STORAGE_SECRET_KEY is missing")
            .And.NotContain("not-hex-CERTIFICATE-VALUE", "secrets are described, never echoed");
    }

    [Fact]
    public void Storage_settings_may_be_left_out_entirely_but_start_then_says_what_to_set()
    {
        using var host = Agora.Host(new StubHttpHandler(), values =>
        {
            foreach (var key in values.Keys.Where(k => k.StartsWith("AGORA_RECORDING_STORAGE", StringComparison.Ordinal)).ToList())
            {
                values.Remove(key);
            }
        });

        host.Get<IOptions<AgoraOptions>>().Value.HasRecordingStorage.Should().BeFalse();
        var act = () => host.Get<CloudRecordingClient>().CreateStartClientRequest("shop_1", 527841);

        act.Should().Throw<InvalidOperationException>().WithMessage("*AGORA_RECORDING_STORAGE_VENDOR, _REGION, _BUCKET, _ACCESS_KEY and _SECRET_KEY*");
    }

    [Fact]
    public void S3_compatible_storage_requires_an_endpoint()
    {
        using var host = Agora.Host(new StubHttpHandler(), values => values["AGORA_RECORDING_STORAGE_VENDOR"] = "11");

        var act = () => host.Get<IOptions<AgoraOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*AGORA_RECORDING_STORAGE_ENDPOINT is required for vendor 11*");
    }

    [Fact]
    public async Task Host_start_fails_with_the_validation_message()
    {
        var start = () => ProviderTestHost.StartHostAsync(
            new Dictionary<string, string?> { ["AGORA_APP_ID"] = "xyz" }, builder => builder.AddAgoraClients(), TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .WithMessage("*AGORA_APP_ID must be exactly 32 hexadecimal characters*AGORA_APP_CERTIFICATE is missing*");
    }

    [Fact]
    public void Resilience_settings_are_validated_with_their_keys()
    {
        using var host = Agora.Host(new StubHttpHandler(), values =>
        {
            values["AGORA_HTTP:MaxRetryAttempts"] = "50";
            values["AGORA_HTTP:BreakerMinimumThroughput"] = "1";
            values["AGORA_HTTP:AttemptTimeout"] = "00:02:00";
        });

        var act = () => host.Get<IOptionsMonitor<HybridStreaming.ServiceDefaults.Providers.ProviderResilienceOptions>>().Get("agora");

        act.Should().Throw<OptionsValidationException>().WithMessage(
            "Agora HTTP resilience configuration is invalid (3 problems)*AGORA_HTTP:TotalTimeout must not be shorter than AttemptTimeout*AGORA_HTTP:MaxRetryAttempts must be between 0 and 10 (got 50)*AGORA_HTTP:BreakerMinimumThroughput must be at least 2*");
    }

    [Fact]
    public void ToString_does_not_reveal_secrets()
    {
        using var host = Agora.Host(new StubHttpHandler());

        var text = host.Get<IOptions<AgoraOptions>>().Value.ToString();

        text.Should().Contain(Agora.AppId).And.Contain("AppCertificate = ***").And.Contain("CustomerSecret = ***")
            .And.NotContain(Agora.AppCertificate).And.NotContain(Agora.CustomerSecret)
            .And.NotContain(Agora.StorageAccessKey).And.NotContain(Agora.StorageSecretKey).And.NotContain("NcsSecret = secret");
    }
}
