using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace HybridStreaming.Cloudflare.Tests;

public sealed class CloudflareOptionsTests
{
    [Fact]
    public void Every_flat_configuration_key_binds_to_its_option()
    {
        using var host = Cloudflare.Host(new StubHttpHandler(), values => values["CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS"] = "60");

        var options = host.Get<IOptions<CloudflareStreamOptions>>().Value;

        options.AccountId.Should().Be(Cloudflare.AccountId);
        options.ApiToken.Should().Be(Cloudflare.ApiToken);
        options.ApiBaseUrl.Should().Be(Cloudflare.BaseUrl);
        options.PlaybackBaseUrl.Should().Be(Cloudflare.PlaybackBaseUrl);
        options.WebhookSecret.Should().Be(Cloudflare.WebhookSecret);
        options.NotificationsSecret.Should().Be(Cloudflare.NotificationsSecret);
        options.WebhookTolerance.Should().Be(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Defaults_are_the_public_api_and_a_five_minute_webhook_tolerance()
    {
        var options = new CloudflareStreamOptions();

        options.ApiBaseUrl.Should().Be("https://api.cloudflare.com/client/v4");
        options.WebhookTolerance.Should().Be(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void Validation_lists_every_missing_or_malformed_value_in_one_message()
    {
        using var host = new ProviderTestHost(new Dictionary<string, string?>
        {
            ["CLOUDFLARE_STREAM_ACCOUNT_ID"] = "not-an-account",
            ["CLOUDFLARE_STREAM_API_TOKEN"] = "TOKEN WITH SPACES",
            ["CLOUDFLARE_API_BASE_URL"] = "api.cloudflare.com/client/v4",
            ["CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS"] = "5 minutes",
        }, (services, configuration) => services.AddCloudflareStreamClient(configuration), CloudflareServiceCollectionExtensions.ProviderName, new StubHttpHandler());

        var act = () => host.Get<IOptions<CloudflareStreamOptions>>().Value;

        var failure = act.Should().Throw<OptionsValidationException>().Which;
        failure.Failures.Should().ContainSingle();
        failure.Message.Should().Contain("Cloudflare Stream configuration is invalid (5 problems)")
            .And.Contain("CLOUDFLARE_STREAM_ACCOUNT_ID must be 1–32 hexadecimal characters (got 'not-an-account')")
            .And.Contain("CLOUDFLARE_STREAM_API_TOKEN must not contain whitespace")
            .And.Contain("CLOUDFLARE_API_BASE_URL must be an absolute http:// or https:// URL without query or fragment (got 'api.cloudflare.com/client/v4')")
            .And.Contain("CLOUDFLARE_STREAM_PLAYBACK_BASE_URL is missing")
            .And.Contain("CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS must be a whole number of seconds between 1 and 86400 (got '5 minutes')")
            .And.NotContain("TOKEN WITH SPACES", "secrets are described, never echoed");
    }

    [Fact]
    public async Task Host_start_fails_with_the_validation_message()
    {
        var start = () => ProviderTestHost.StartHostAsync(
            new Dictionary<string, string?> { ["CLOUDFLARE_STREAM_ACCOUNT_ID"] = Cloudflare.AccountId }, builder => builder.AddCloudflareStreamClient(), TestContext.Current.CancellationToken);

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .WithMessage("*CLOUDFLARE_STREAM_API_TOKEN is missing*CLOUDFLARE_STREAM_PLAYBACK_BASE_URL is missing*");
    }

    [Fact]
    public void ToString_does_not_reveal_secrets()
    {
        using var host = Cloudflare.Host(new StubHttpHandler());

        var text = host.Get<IOptions<CloudflareStreamOptions>>().Value.ToString();

        text.Should().Contain(Cloudflare.AccountId).And.Contain("ApiToken = ***")
            .And.NotContain(Cloudflare.ApiToken).And.NotContain(Cloudflare.WebhookSecret).And.NotContain(Cloudflare.NotificationsSecret);
    }
}
