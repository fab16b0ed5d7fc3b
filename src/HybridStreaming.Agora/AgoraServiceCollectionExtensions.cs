using System.Net.Http.Headers;
using System.Text;
using HybridStreaming.Agora;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

public static class AgoraServiceCollectionExtensions
{
    /// <summary>Name of the HttpClient (and resilience pipeline, circuit breaker, resilience options) shared by the Agora clients.</summary>
    public const string ProviderName = "agora";

    /// <summary>Registers the Agora clients on the builder's configuration.</summary>
    public static TBuilder AddAgoraClients<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAgoraClients(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="AgoraOptions"/> (flat keys, validated at start), <see cref="CloudRecordingClient"/>,
    /// <see cref="MediaPushClient"/>, <see cref="RtcTokenBuilder"/> and <see cref="NcsSignatureVerifier"/>; both REST
    /// clients share one HttpClient name, so one resilience pipeline and one circuit breaker for Agora.
    /// </summary>
    public static IServiceCollection AddAgoraClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProviderHttpClient<AgoraOptions, AgoraOptionsValidator>(configuration, new(
                ProviderName, "Agora", AgoraOptions.ResilienceSection,
                defaults =>
                {
                    // agora.md §2.5–2.6: 65 → retry after ~3 s, 6 s; 50x → 3, 6, 9 s. A 1 s base doubling
                    // with jitter gives ~1, 2, 4 s; three retries fit the total budget.
                    defaults.AttemptTimeout = TimeSpan.FromSeconds(10);
                    defaults.TotalTimeout = TimeSpan.FromSeconds(60);
                    defaults.MaxRetryAttempts = 3;
                    defaults.RetryBaseDelay = TimeSpan.FromSeconds(1);
                    defaults.RetryMaxDelay = TimeSpan.FromSeconds(8);
                },
                options => options.ApiBaseUri,
                options => new AuthenticationHeaderValue(
                    "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.CustomerId}:{options.CustomerSecret}"))),
                AgoraFailureClassifier.IsTransientResponseAsync))
            .AddTypedClient<CloudRecordingClient>()
            .AddTypedClient<MediaPushClient>();
        services.TryAddSingleton<RtcTokenBuilder>();
        services.TryAddSingleton<NcsSignatureVerifier>();
        return services;
    }
}
