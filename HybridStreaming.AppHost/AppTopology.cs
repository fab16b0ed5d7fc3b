using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Hosting.Resources;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.AppHost;

/// <summary>
/// The whole system, top to bottom like a deployment diagram: infrastructure, the provider emulators,
/// then the services that use them, then the gateway in front. Used by <c>dotnet run --project HybridStreaming.AppHost</c> and by
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

        // Provider emulators (Agora, Cloudflare Stream) with one set of generated credentials; their
        // webhooks go to the gateway, as the real providers' would.
        var providers = ProviderSettings.Load(builder.StateDirectory, builder.Configuration);
        ProjectResource? gateway = null;
        var agora = builder.AddProject(KnownResources.AgoraEmulator, "src/Emulators/HybridStreaming.Emulators.Agora")
            .WithHttpEndpoint(builder.Options.AgoraEmulatorPort);
        var cloudflare = builder.AddProject(KnownResources.CloudflareEmulator, "src/Emulators/HybridStreaming.Emulators.CloudflareStream")
            .WithHttpEndpoint(builder.Options.CloudflareEmulatorPort);
        foreach (var emulator in new[] { agora, cloudflare })
        {
            foreach (var name in providers.Environment(new Uri(agora.HttpUrl), new Uri(cloudflare.HttpUrl)).Keys)
            {
                emulator.WithEnvironment(name, () => providers.Environment(new Uri(agora.HttpUrl), new Uri(cloudflare.HttpUrl))[name]);
            }

            emulator.WithEnvironment("EMULATOR_SCRATCH_DIR", Path.Combine(builder.StateDirectory, emulator.Name, "scratch"));
            foreach (var name in new[] { "EMULATOR_MEDIA", "EMULATOR_STRICT" })
            {
                if (builder.Configuration[name] is { Length: > 0 } value)
                {
                    emulator.WithEnvironment(name, value);
                }
            }
        }

        agora.WithEnvironment("AGORA_EMULATOR_STORAGE_DIR", Path.Combine(builder.StateDirectory, KnownResources.AgoraEmulator, "storage"))
            .WithEnvironment("AGORA_NCS_WEBHOOK_URL", () => $"{gateway!.HttpUrl}/api/webhooks/agora")
            .WithEnvironment("AGORA_NCS_EVENTS", builder.Configuration["AGORA_NCS_EVENTS"] is { Length: > 0 } events ? events : NcsEvents);
        cloudflare.WithEnvironment("CLOUDFLARE_STREAM_NOTIFICATION_URL", () => $"{gateway!.HttpUrl}/api/webhooks/cloudflare");

        // Services: each owns its database and talks to the others through RabbitMQ. They get the same
        // provider values as the emulators (the same HTTP clients talk to the real providers in production).
        var jwt = DevelopmentAuthentication.Load(builder.StateDirectory, builder.Configuration);
        var channels = builder.AddProject(KnownResources.ChannelsApi, "src/HybridStreaming.Channels.Api")
            .WithReference(channelsDb).WaitFor(channelsDb)
            .WithReference(redis).WaitFor(redis)
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithProviders(providers, agora, cloudflare)
            .WithAuthentication(jwt)
            .WithPassThrough(builder.Configuration, ChannelsSettings);

        var recording = builder.AddProject(KnownResources.RecordingWorker, "src/HybridStreaming.Recording.Worker")
            .WithReference(recordingsDb).WaitFor(recordingsDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithProviders(providers, agora, cloudflare)
            .WithRecordingStorage(builder.Configuration);
        if (!string.Equals(builder.Configuration["EMULATOR_STRICT"], "on", StringComparison.OrdinalIgnoreCase))
        {
            // The emulator enforces no quota unless strict: do not throttle against one that is not there,
            // so orchestration can be measured. Against Agora (or EMULATOR_STRICT=on) the worker keeps 10/s.
            recording.WithEnvironment("Recording__MaxRequestsPerSecond", "1000");
        }

        builder.AddProject(KnownResources.RelayWorker, "src/HybridStreaming.Relay.Worker")
            .WithReference(relaysDb).WaitFor(relaysDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithProviders(providers, agora, cloudflare)
            .WithPassThrough(builder.Configuration, ["RELAY_INPUT_RETENTION_HOURS"]);

        var cost = builder.AddProject(KnownResources.CostApi, "src/HybridStreaming.Cost.Api")
            .WithReference(costsDb).WaitFor(costsDb)
            .WithReference(rabbitmq).WaitFor(rabbitmq);

        // The one public entry point.
        gateway = builder.AddProject(KnownResources.Gateway, "src/HybridStreaming.Gateway")
            .WithHttpEndpoint(builder.Options.GatewayPort)
            .WithReference(channels).WaitFor(channels)
            .WithReference(cost).WaitFor(cost)
            .WithAuthentication(jwt)
            .WithPassThrough(builder.Configuration, ["GATEWAY_RATE_LIMIT_PER_SECOND"]);

        return builder;
    }

    /// <summary>
    /// The NCS events the platform acts on — seller presence, handled by the Channel API's
    /// <c>AgoraNotificationHandler</c>: broadcaster joined/left (103/104), role changed (111/112). The
    /// project subscribes to these alone, as the runbook's Agora Console step does; the recording and
    /// Media Push events would be up to seven more webhooks per go-live that nothing reads.
    /// </summary>
    private const string NcsEvents = "1.103,1.104,1.111,1.112";

    /// <summary>Channel API settings an operator may set on the AppHost (runbook): passed through as they are.</summary>
    private static readonly string[] ChannelsSettings =
    [
        "HYBRID_ENABLED", "HYBRID_ROLLOUT_PERCENT", "HYBRID_ALLOW_CHANNELS", "HYBRID_DENY_CHANNELS",
        "RELAY_START_DEADLINE_SECONDS", "STOP_DEADLINE_SECONDS", "SELLER_GRACE_SECONDS", "RTC_TOKEN_LIFETIME_SECONDS",
    ];

    private static ProjectResource WithProviders(this ProjectResource project, ProviderSettings providers, ProjectResource agora, ProjectResource cloudflare)
    {
        foreach (var name in providers.Environment(new Uri(agora.HttpUrl), new Uri(cloudflare.HttpUrl)).Keys)
        {
            project.WithEnvironment(name, () => providers.Environment(new Uri(agora.HttpUrl), new Uri(cloudflare.HttpUrl))[name]);
        }

        return project.WaitFor(agora).WaitFor(cloudflare);
    }

    private static ProjectResource WithAuthentication(this ProjectResource project, DevelopmentAuthentication jwt)
    {
        foreach (var (name, value) in jwt.Environment)
        {
            project.WithEnvironment(name, value);
        }

        return project;
    }

    /// <summary>
    /// Where recordings go. Against the emulator any S3-style values do (it writes into its storage
    /// folder under the bucket name); against the real Agora set the AGORA_RECORDING_STORAGE_* values.
    /// </summary>
    private static ProjectResource WithRecordingStorage(this ProjectResource project, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var defaults = new Dictionary<string, string>
        {
            ["AGORA_RECORDING_STORAGE_VENDOR"] = "1",
            ["AGORA_RECORDING_STORAGE_REGION"] = "0",
            ["AGORA_RECORDING_STORAGE_BUCKET"] = "hybridstreaming-recordings",
            ["AGORA_RECORDING_STORAGE_ACCESS_KEY"] = "local-access-key",
            ["AGORA_RECORDING_STORAGE_SECRET_KEY"] = "local-secret-key",
        };
        foreach (var (name, value) in defaults)
        {
            project.WithEnvironment(name, configuration[name] is { Length: > 0 } configured ? configured : value);
        }

        return project;
    }

    private static ProjectResource WithPassThrough(this ProjectResource project, Microsoft.Extensions.Configuration.IConfiguration configuration, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (configuration[name] is { Length: > 0 } value)
            {
                project.WithEnvironment(name, value);
            }
        }

        return project;
    }
}
