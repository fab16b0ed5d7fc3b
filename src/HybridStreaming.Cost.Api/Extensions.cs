using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Cost.Api.Infrastructure;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cost.Api;

public static class Extensions
{
    internal static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CostsDbContext>(KnownResources.CostsDatabase);
        builder.AddMessaging<CostsDbContext>("cost", bus => bus.AddConsumers(typeof(Extensions).Assembly));
        builder.AddJwtAuthentication();
        builder.Services.AddPriceTable(builder.Configuration);
        builder.Services.AddSingleton(CostOptions.From(builder.Configuration));
        builder.Services.AddScoped<LedgerStore>();
        builder.Services.AddScoped<CostReports>();
        builder.Services.AddHostedService<LedgerProcessor>();
        builder.Services.AddHostedService<CostMetrics>();
    }

    /// <summary>
    /// The <c>Prices</c> section over the built-in list prices, validated at start-up (one message listing
    /// every bad entry), the resolved <see cref="PriceTable"/> and the <see cref="CostModel"/> over it.
    /// </summary>
    public static IServiceCollection AddPriceTable(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IValidateOptions<PriceTableOptions>, PriceTableValidator>();
        services.AddOptions<PriceTableOptions>()
            .Bind(configuration.GetSection(PriceTableOptions.Section))
            .ValidateOnStart();
        services.AddSingleton(sp => PriceTable.From(sp.GetRequiredService<IOptions<PriceTableOptions>>().Value));
        services.AddSingleton(sp => new CostModel(sp.GetRequiredService<PriceTable>()));
        return services;
    }
}
