using System.Net.Http.Headers;
using HybridStreaming.Cloudflare;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CloudflareStreamOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudflareStreamOptions>, CloudflareStreamOptionsValidator>());
        services.AddProviderResilienceOptions(ProviderName, "Cloudflare", configuration.GetSection(CloudflareStreamOptions.ResilienceSection),
            defaults =>
            {
                // The Relay has ~20 s to go live before it falls back to Agora-only: keep a call well inside it.
                defaults.AttemptTimeout = TimeSpan.FromSeconds(8);
                defaults.TotalTimeout = TimeSpan.FromSeconds(20);
                defaults.MaxRetryAttempts = 3;
                defaults.RetryBaseDelay = TimeSpan.FromMilliseconds(500);
                defaults.RetryMaxDelay = TimeSpan.FromSeconds(4);
            });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CloudflareWebhookVerifier>();

        services.AddHttpClient<CloudflareStreamClient>(ProviderName)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<CloudflareStreamOptions>>().Value;
                var resilience = provider.GetRequiredService<IOptionsMonitor<ProviderResilienceOptions>>().Get(ProviderName);
                client.BaseAddress = options.ApiBaseUri;
                client.Timeout = resilience.TotalTimeout + TimeSpan.FromSeconds(5);
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiToken);
            })
            .AddProviderHttpLogging(ProviderName)
            .AddProviderResilienceHandler(ProviderName, CloudflareFailureClassifier.IsTransientResponseAsync);
        return services;
    }
}
