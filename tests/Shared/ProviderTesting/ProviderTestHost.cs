using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.ProviderTesting;

/// <summary>
/// A service provider wired like a service: the standard resilience handler on every HttpClient (what
/// AddServiceDefaults does), the provider library's registration, the stub as the primary handler, and
/// a capturing logger at Trace so tests can prove nothing secret is written.
/// </summary>
public sealed class ProviderTestHost : IDisposable
{
    private readonly ServiceProvider provider;

    public ProviderTestHost(
        IDictionary<string, string?> configuration, Action<IServiceCollection, IConfiguration> register, string httpClientName,
        StubHttpHandler stub, TimeProvider? timeProvider = null)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        // As AddServiceDefaults does: every client gets the standard handler, which the provider library must replace.
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        register(services, config);
        services.AddHttpClient(httpClientName).ConfigurePrimaryHttpMessageHandler(() => stub);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>Builds and starts a real host with <paramref name="configuration"/>, as a service would start.</summary>
    public static async Task StartHostAsync(
        IDictionary<string, string?> configuration, Action<IHostApplicationBuilder> register, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        register(builder);
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        await host.StopAsync(cancellationToken);
    }

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public FakeLogCollector Logs => provider.GetFakeLogCollector();

    /// <summary>Every log line written so far, with its structured state, as text.</summary>
    public string AllLogText() => string.Join("\n", Logs.GetSnapshot().Select(record =>
        $"{record.Level} {record.Category}: {record.Message} {string.Join(" ", record.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])} {record.Exception}"));

    public void Dispose() => provider.Dispose();
}
