using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridStreaming.ServiceDefaults.Providers;

public static class ProviderResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the named <see cref="ProviderResilienceOptions"/> <paramref name="name"/>: the provider's
    /// <paramref name="defaults"/>, then whatever <paramref name="section"/> sets, validated at start-up.
    /// </summary>
    public static IServiceCollection AddProviderResilienceOptions(
        this IServiceCollection services, string name, string subject, IConfigurationSection section,
        Action<ProviderResilienceOptions> defaults)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<ProviderResilienceOptions>(name).Configure(defaults).Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProviderResilienceOptions>>(new ProviderResilienceOptionsValidator(name, subject, section.Path));
        return services;
    }
}
