using System.Net.Http.Headers;
using HybridStreaming.Cloudflare;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class CloudflareServiceCollectionExtensions
{
    /// <summary>Name of the HttpClient (and resilience pipeline, circuit breaker, resilience options) of Cloudflare.</summary>
    public const string ProviderName = "cloudflare";

    /// <summary>Registers the Cloudflare Stream client on the builder's configuration.</summary>
    public static TBuilder AddCloudflareStreamClient<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCloudflareStreamClient(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="CloudflareStreamOptions"/> (flat keys, validated at start), <see cref="CloudflareStreamClient"/>
    /// (typed HttpClient with the Cloudflare resilience pipeline) and <see cref="CloudflareWebhookVerifier"/>.
    /// </summary>
    public static IServiceCollection AddCloudflareStreamClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProviderHttpClient<CloudflareStreamOptions, CloudflareStreamOptionsValidator>(configuration, new(
                ProviderName, "Cloudflare", CloudflareStreamOptions.ResilienceSection,
                defaults =>
                {
                    // The Relay has ~20 s to go live before it falls back to Agora-only: keep a call well inside it.
                    defaults.AttemptTimeout = TimeSpan.FromSeconds(8);
                    defaults.TotalTimeout = TimeSpan.FromSeconds(20);
                    defaults.MaxRetryAttempts = 3;
                    defaults.RetryBaseDelay = TimeSpan.FromMilliseconds(500);
                    defaults.RetryMaxDelay = TimeSpan.FromSeconds(4);
                },
                options => options.ApiBaseUri,
                options => new AuthenticationHeaderValue("Bearer", options.ApiToken),
                CloudflareFailureClassifier.IsTransientResponseAsync))
            .AddTypedClient<CloudflareStreamClient>();
        services.TryAddSingleton<CloudflareWebhookVerifier>();
        return services;
    }
}
