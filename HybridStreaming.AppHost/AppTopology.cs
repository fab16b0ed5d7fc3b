using HybridStreaming.AppHost.Hosting;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.AppHost;

/// <summary>
/// The whole system, top to bottom like a deployment diagram: infrastructure, then the services that
/// use it, then the gateway in front. Used by <c>dotnet run --project HybridStreaming.AppHost</c> and by
/// the tests' <see cref="Testing.DistributedApplicationTestingBuilder"/>.
/// </summary>
public static class AppTopology
{
    public static DistributedApplicationBuilder Define(DistributedApplicationBuilder builder)
    {
        // Infrastructure: local processes on loopback, or the servers named by ConnectionStrings__<name>.
        var postgres = builder.AddPostgres(KnownResources.Postgres);
        var channelsDb = builder.AddDatabase(postgres, KnownResources.ChannelsDatabase);
        var recordingsDb = builder.AddDatabase(postgres, KnownResources.RecordingsDatabase);
        var relaysDb = builder.AddDatabase(postgres, KnownResources.RelaysDatabase);
        var costsDb = builder.AddDatabase(postgres, KnownResources.CostsDatabase);
        var redis = builder.AddRedis(KnownResources.Redis);
        var rabbitmq = builder.AddRabbitMQ(KnownResources.RabbitMq);

        // Services: each owns its database and talks to the others through RabbitMQ.
        var channels = builder.AddProject(KnownResources.ChannelsApi, "src/HybridStreaming.Channels.Api")
            .WithReference(channelsDb).WaitFor(channelsDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbitmq).WaitFor(rabbitmq);

        builder.AddProject(KnownResources.RecordingWorker, "src/HybridStreaming.Recording.Worker")
            .WithReference(recordingsDb).WaitFor(recordingsDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq);

        builder.AddProject(KnownResources.RelayWorker, "src/HybridStreaming.Relay.Worker")
            .WithReference(relaysDb).WaitFor(relaysDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq);

        var cost = builder.AddProject(KnownResources.CostApi, "src/HybridStreaming.Cost.Api")
            .WithReference(costsDb).WaitFor(costsDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq);

        // The one public entry point.
        builder.AddProject(KnownResources.Gateway, "src/HybridStreaming.Gateway")
            .WithHttpEndpoint(builder.Options.GatewayPort)
            .WithReference(channels).WaitFor(channels)
            .WithReference(cost).WaitFor(cost);

        return builder;
    }
}
