using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>What differs between provider HttpClients; everything else is wired the same way.</summary>
/// <param name="Name">HttpClient, resilience pipeline and resilience options name ("agora").</param>
/// <param name="Subject">How validation messages name the provider ("Agora").</param>
/// <param name="ResilienceSection">Configuration section of the resilience settings ("AGORA_HTTP").</param>
/// <param name="ResilienceDefaults">The provider's defaults, applied before configuration.</param>
/// <param name="BaseAddress">The REST base (ending in '/') from the validated options.</param>
/// <param name="Authorization">The Authorization header from the validated options.</param>
/// <param name="IsTransientResponse">Which answers the pipeline retries besides 429 (see <see cref="ProviderResilience"/>).</param>
public sealed record ProviderHttpClientSettings<TOptions>(
    string Name,
    string Subject,
    string ResilienceSection,
    Action<ProviderResilienceOptions> ResilienceDefaults,
    Func<TOptions, Uri> BaseAddress,
    Func<TOptions, AuthenticationHeaderValue> Authorization,
    Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> IsTransientResponse)
    where TOptions : class;

public static class ProviderHttpClientRegistration
{
    /// <summary>
    /// Registers a provider's options (bound from the configuration root — flat keys — and validated at
    /// start-up by <typeparamref name="TValidator"/>), its resilience options, and its named HttpClient:
    /// base address and credentials from the options, the provider resilience pipeline instead of the
    /// standard one, and logging without headers. Add the typed clients to the returned builder.
    /// </summary>
    public static IHttpClientBuilder AddProviderHttpClient<TOptions, TValidator>(
        this IServiceCollection services, IConfiguration configuration, ProviderHttpClientSettings<TOptions> settings)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);

        services.AddOptions<TOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.AddProviderResilienceOptions(settings.Name, settings.Subject, configuration.GetSection(settings.ResilienceSection), settings.ResilienceDefaults);
        services.TryAddSingleton(TimeProvider.System);

        return services.AddHttpClient(settings.Name)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptions<TOptions>>().Value;
                var resilience = provider.GetRequiredService<IOptionsMonitor<ProviderResilienceOptions>>().Get(settings.Name);
                client.BaseAddress = settings.BaseAddress(options);
                // A backstop only: the pipeline's total timeout ends a call first.
                client.Timeout = resilience.TotalTimeout + TimeSpan.FromSeconds(5);
                client.DefaultRequestHeaders.Authorization = settings.Authorization(options);
            })
            .AddProviderHttpLogging(settings.Name)
            .AddProviderResilienceHandler(settings.Name, settings.IsTransientResponse);
    }
}
