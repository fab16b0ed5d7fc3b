using HybridStreaming.AppHost.Infrastructure;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HybridStreaming.AppHost;

/// <summary>
/// The whole system, top to bottom like a deployment diagram: infrastructure, the provider emulators,
/// then the services that use them, then the gateway in front. Used by <c>./run.sh</c> (the AppHost's
/// Program) and, through Aspire.Hosting.Testing, by the tests, which override settings with
/// configuration (<c>--AppHost:GatewayPort=0</c>, <c>EMULATOR_MEDIA=off</c>, …).
/// </summary>
public static class AppTopology
{
    public static IDistributedApplicationBuilder Define(IDistributedApplicationBuilder builder)
    {
        var settings = AppHostSettings.From(builder.Configuration, builder.AppHostDirectory);
        var configuration = builder.Configuration;

        // Infrastructure: executables over Debian's binaries, the servers named by ConnectionStrings__<name>,
        // or Aspire's containers (AppHost:Infrastructure=containers).
        var infrastructure = builder.AddInfrastructure(
            settings,
            [KnownResources.ChannelsDatabase, KnownResources.RecordingsDatabase, KnownResources.RelaysDatabase, KnownResources.CostsDatabase]);

        // Development credentials, generated once into the state folder and shared by the emulators and the
        // services as Aspire parameters (secret ones masked in the dashboard). A value in the AppHost's
        // configuration under the variable's name (e.g. AGORA_APP_ID) wins, to run against the real providers.
        var providers = ProviderSettings.Load(settings.StateDirectory!, configuration);
        var providerParameters = providers.Variables()
            .Select(variable => (variable.Name, Parameter: builder.AddParameter(ParameterName(variable.Name), variable.Value, secret: variable.Secret)))
            .ToList();
        var jwt = DevelopmentAuthentication.Load(settings.StateDirectory!, configuration);
        var jwtParameters = jwt.Environment
            .Select(variable => (variable.Key, Parameter: builder.AddParameter(
                ParameterName(variable.Key), variable.Value, secret: variable.Key == "JWT_SIGNING_KEY")))
            .ToList();

        // Provider emulators (Agora, Cloudflare Stream); their webhooks go to the gateway, as the real providers' would.
        IResourceBuilder<ServiceResource>? gateway = null;
        var agora = builder.AddService<Projects.HybridStreaming_Emulators_Agora>(KnownResources.AgoraEmulator, settings.AgoraEmulatorPort, metrics: false);
        var cloudflare = builder.AddService<Projects.HybridStreaming_Emulators_CloudflareStream>(KnownResources.CloudflareEmulator, settings.CloudflareEmulatorPort, metrics: false);
        foreach (var emulator in new[] { agora, cloudflare })
        {
            emulator.WithProviders(providerParameters, agora, cloudflare)
                .WithEnvironment("EMULATOR_SCRATCH_DIR", settings.State(emulator.Resource.Name, "scratch"))
                .WithPassThrough(configuration, ["EMULATOR_MEDIA", "EMULATOR_STRICT"]);
        }

        agora.WithEnvironment("AGORA_EMULATOR_STORAGE_DIR", settings.State(KnownResources.AgoraEmulator, "storage"))
            .WithEnvironment("AGORA_NCS_EVENTS", configuration["AGORA_NCS_EVENTS"] is { Length: > 0 } events ? events : NcsEvents)
            .WithWebhookUrl("AGORA_NCS_WEBHOOK_URL", () => gateway, "/api/webhooks/agora");
        cloudflare.WithWebhookUrl("CLOUDFLARE_STREAM_NOTIFICATION_URL", () => gateway, "/api/webhooks/cloudflare");

        // Guest tokens are signed with the platform's own key, which the gateway (issuing) and the Channel
        // API (accepting them on viewer routes) share.
        var guestKey = builder.AddParameter(
            "guest-token-signing-key", DevelopmentAuthentication.GuestTokenSigningKey(settings.StateDirectory!, configuration), secret: true);

        // Services: each owns its database and talks to the others through RabbitMQ. They get the same
        // provider values as the emulators (the same HTTP clients talk to the real providers in production).
        // The Channel API may run as several replicas (AppHost:ChannelsApiReplicas), configured alike.
        var channelsReplicas = Enumerable.Range(1, Math.Max(1, settings.ChannelsApiReplicas))
            .Select(replica => builder.AddService<Projects.HybridStreaming_Channels_Api>(replica == 1 ? KnownResources.ChannelsApi : $"{KnownResources.ChannelsApi}-{replica}")
                .WithReference(infrastructure.Databases[KnownResources.ChannelsDatabase]).WaitFor(infrastructure.Databases[KnownResources.ChannelsDatabase])
                .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
                .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMq)
                .WithProviders(providerParameters, agora, cloudflare)
                .WithParameters(jwtParameters)
                .WithEnvironment("GUEST_TOKEN_SIGNING_KEY", guestKey)
                .WithPassThrough(configuration, ChannelsSettings))
            .ToList();
        var channels = channelsReplicas[0];

        var recording = builder.AddService<Projects.HybridStreaming_Recording_Worker>(KnownResources.RecordingWorker)
            .WithReference(infrastructure.Databases[KnownResources.RecordingsDatabase]).WaitFor(infrastructure.Databases[KnownResources.RecordingsDatabase])
            .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMq)
            .WithProviders(providerParameters, agora, cloudflare)
            .WithRecordingStorage(configuration);
        if (!string.Equals(configuration["EMULATOR_STRICT"], "on", StringComparison.OrdinalIgnoreCase))
        {
            // The emulator enforces no quota unless strict: do not throttle against one that is not there,
            // so orchestration can be measured. Against Agora (or EMULATOR_STRICT=on) the worker keeps 10/s.
            recording.WithEnvironment("Recording__MaxRequestsPerSecond", "1000");
        }

        var relay = builder.AddService<Projects.HybridStreaming_Relay_Worker>(KnownResources.RelayWorker)
            .WithReference(infrastructure.Databases[KnownResources.RelaysDatabase]).WaitFor(infrastructure.Databases[KnownResources.RelaysDatabase])
            .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMq)
            .WithProviders(providerParameters, agora, cloudflare)
            .WithPassThrough(configuration, RelaySettings);

        var cost = builder.AddService<Projects.HybridStreaming_Cost_Api>(KnownResources.CostApi)
            .WithReference(infrastructure.Databases[KnownResources.CostsDatabase]).WaitFor(infrastructure.Databases[KnownResources.CostsDatabase])
            .WithReference(infrastructure.RabbitMq).WaitFor(infrastructure.RabbitMq)
            .WithParameters(jwtParameters)
            .WithEnvironment("GUEST_TOKEN_SIGNING_KEY", guestKey)
            .WithPassThrough(configuration, CostSettings)
            .WithPassThroughSection(configuration, "Prices");

        // The one public entry point.
        gateway = builder.AddService<Projects.HybridStreaming_Gateway>(KnownResources.Gateway, settings.GatewayPort)
            .WithReference(channels).WaitFor(channels)
            .WithReference(cost).WaitFor(cost)
            .WithReference(recording)
            .WithReference(relay)
            .WithReference(infrastructure.Redis).WaitFor(infrastructure.Redis)
            .WithParameters(jwtParameters)
            .WithEnvironment("GUEST_TOKEN_SIGNING_KEY", guestKey)
            .WithPassThrough(configuration, GatewaySettings);
        for (var replica = 1; replica < channelsReplicas.Count; replica++)
        {
            // Every replica is an address of the one "channels-api" the gateway's service discovery knows.
            gateway.WithEnvironment($"services__{KnownResources.ChannelsApi}__http__{replica}", channelsReplicas[replica].GetEndpoint("http"))
                .WaitFor(channelsReplicas[replica]);
        }
        // Its Content-Security-Policy names the playback origin the Channel API hands out.
        gateway.WithProviderUrl("CLOUDFLARE_STREAM_PLAYBACK_BASE_URL", ReferenceExpression.Create($"{cloudflare.GetEndpoint("http")}"));
        // The studio's stand-in for the seller's camera: the emulator's synthetic broadcaster, through the gateway.
        gateway.WithAgoraEmulatorUrl(agora);

        if (settings.Prometheus)
        {
            builder.AddPrometheus(settings);
        }

        if (settings.OnlySet is { } only)
        {
            builder.KeepOnly(only);
        }

        StartupReport.Register(builder);
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
        "HYBRID_ENABLED", "HYBRID_ROLLOUT_PERCENT", "HYBRID_ALLOW_CHANNELS", "HYBRID_DENY_CHANNELS", "HYBRID_MAX_MODE_SWITCHES",
        "RELAY_START_DEADLINE_SECONDS", "STOP_DEADLINE_SECONDS", "SELLER_GRACE_SECONDS", "RTC_TOKEN_LIFETIME_SECONDS",
        "DEADLINE_SWEEP_INTERVAL_MS", "VIEWER_HEARTBEAT_SECONDS", "VIEWER_PRESENCE_WINDOW_SECONDS", "GUEST_TOKEN_LIFETIME_SECONDS",
        "STUCK_SESSION_SECONDS",
    ];

    /// <summary>
    /// Relay worker settings. <c>RELAY_START_DEADLINE_SECONDS</c> is one setting for both the Channel API
    /// (when a session stops waiting and goes live agora-only) and the relay worker (which keeps trying for
    /// that long plus <c>RELAY_LATE_START_GRACE_SECONDS</c>, so a late relay can still bring buyers back to HLS).
    /// </summary>
    private static readonly string[] RelaySettings = ["RELAY_INPUT_RETENTION_HOURS", "RELAY_START_DEADLINE_SECONDS", "RELAY_LATE_START_GRACE_SECONDS"];

    /// <summary>Cost API settings an operator may set on the AppHost (docs/costs.md): the ledger's deadline and the audience type.</summary>
    private static readonly string[] CostSettings = ["COST_LEDGER_DEADLINE_SECONDS", "COST_AGORA_AUDIENCE"];

    /// <summary>The endpoint of every service's internal <c>/metrics</c> (not routed by the gateway).</summary>
    public const string MetricsEndpoint = "metrics";

    /// <summary>Settings of every service: error tracking (Sentry) and how often the gauges are sampled.</summary>
    private static readonly string[] ServiceSettings = ["SENTRY_DSN", "SENTRY_ENVIRONMENT", "METRICS_SAMPLE_SECONDS"];

    /// <summary>Gateway settings an operator may set on the AppHost (runbook): the edge's limits, guest tokens, browsers' access.</summary>
    private static readonly string[] GatewaySettings =
    [
        "RATE_LIMIT_CONTROL_PER_WINDOW", "RATE_LIMIT_CONTROL_WINDOW_SECONDS", "RATE_LIMIT_VIEWER_PER_SECOND",
        "RATE_LIMIT_GUEST_PER_MINUTE", "GATEWAY_MAX_CONCURRENT_REQUESTS", "GUEST_TOKEN_LIFETIME_SECONDS",
        "CORS_ALLOWED_ORIGINS", "CSP_EXTRA_ORIGINS", "GATEWAY_KNOWN_PROXIES", "GATEWAY_KNOWN_NETWORKS",
    ];

    /// <summary>
    /// A .NET project of this repository as a resource, started from its build output (see
    /// <see cref="ServiceResource"/>), on one HTTP endpoint without DCP's proxy (a proxy would add a hop
    /// to every request and every benchmark): the given port, or a free loopback port for 0 (services
    /// nobody calls directly get a free one too), in Development, exporting its telemetry over OTLP. Our
    /// services (not the emulators, which stand in for the providers) also get the internal
    /// <see cref="MetricsEndpoint"/> endpoint for Prometheus.
    /// </summary>
    private static IResourceBuilder<ServiceResource> AddService<TProject>(this IDistributedApplicationBuilder builder, string name, int port = 0, bool metrics = true)
        where TProject : IProjectMetadata, new()
    {
        var allocated = AppHostSettings.PortOrFree(port);
        var project = builder.AddResource(ServiceResource.For(new TProject(), name, builder.AppHostDirectory))
            .WithHttpEndpoint(port: allocated, targetPort: allocated, name: "http", isProxied: false);
        if (metrics)
        {
            // /metrics answers only on this second, internal port (METRICS_PORT), which nothing routes from
            // outside: Prometheus scrapes it, the gateway's public port does not serve it.
            var metricsPort = AppHostSettings.PortOrFree(0);
            project.WithHttpEndpoint(port: metricsPort, targetPort: metricsPort, name: MetricsEndpoint, isProxied: false)
                .WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"{project.GetEndpoint("http")};{project.GetEndpoint(MetricsEndpoint)}"))
                .WithEnvironment(Microsoft.Extensions.Hosting.Extensions.MetricsPortVariable, metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithPassThrough(builder.Configuration, ServiceSettings);
        }
        else
        {
            project.WithEnvironment("ASPNETCORE_URLS", ReferenceExpression.Create($"{project.GetEndpoint("http")}"));
        }

        project.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
            .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
            .WithOtlpExporter()
            .WithIconName("Code");
        var check = $"{name}-health";
        var baseUrl = $"http://127.0.0.1:{allocated.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        builder.Services.AddHealthChecks().AddAsyncCheck(check, ct => PatientHealthCheck.RunAsync(token => Probes.HttpHealthAsync(baseUrl, token), ct));
        project.WithHealthCheck(check);

        // Telemetry goes to the Aspire dashboard; OTEL_EXPORTER_OTLP_* on the AppHost sends it to another
        // collector instead (applied after Aspire's own OTLP settings, so it wins).
        var collector = new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS" }
            .Where(variable => builder.Configuration[variable] is { Length: > 0 })
            .ToDictionary(variable => variable, variable => builder.Configuration[variable]!);
        if (collector.Count > 0)
        {
            project.WithEnvironment(context =>
            {
                foreach (var (variable, value) in collector)
                {
                    context.EnvironmentVariables[variable] = value;
                }
            });
        }

        return project;
    }

    private static IResourceBuilder<ServiceResource> WithProviders(
        this IResourceBuilder<ServiceResource> project,
        IEnumerable<(string Name, IResourceBuilder<ParameterResource> Parameter)> parameters,
        IResourceBuilder<ServiceResource> agora,
        IResourceBuilder<ServiceResource> cloudflare)
    {
        project.WithParameters(parameters);
        var agoraUrl = agora.GetEndpoint("http");
        var cloudflareUrl = cloudflare.GetEndpoint("http");
        project.WithProviderUrl("AGORA_API_BASE_URL", ReferenceExpression.Create($"{agoraUrl}"))
            .WithProviderUrl("CLOUDFLARE_API_BASE_URL", ReferenceExpression.Create($"{cloudflareUrl}/client/v4"))
            .WithProviderUrl("CLOUDFLARE_STREAM_PLAYBACK_BASE_URL", ReferenceExpression.Create($"{cloudflareUrl}"));
        return project.Resource == agora.Resource || project.Resource == cloudflare.Resource
            ? project
            : project.WaitFor(agora).WaitFor(cloudflare);
    }

    /// <summary>
    /// <c>AppHost:Prometheus=true</c>: Debian's Prometheus (<c>/usr/bin/prometheus</c>) as a resource, scraping
    /// every service's <see cref="MetricsEndpoint"/> every 5 s as the job named after the service (replicas are
    /// targets of one job, as in deploy/monitoring/prometheus.yml) and evaluating the production alert rules,
    /// its data in the state folder. Its UI (targets, alerts, queries) is on <c>AppHost:PrometheusPort</c>.
    /// </summary>
    private static void AddPrometheus(this IDistributedApplicationBuilder builder, AppHostSettings settings)
    {
        var binary = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("AppHost:Prometheus needs Debian's prometheus package (/usr/bin/prometheus): run ./eng/install-prerequisites.sh.");
        var rules = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "deploy", "monitoring", "alerts.yml"));
        var jobs = builder.Resources.OfType<ServiceResource>()
            .SelectMany(resource => resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Name == MetricsEndpoint).Select(e => (resource.Name, Port: e.Port!.Value)))
            .GroupBy(target => JobOf(target.Name));
        var config = new System.Text.StringBuilder()
            .AppendLine("# Written by the AppHost (AppHost:Prometheus=true) at every start; deploy/monitoring/prometheus.yml is the production one.")
            .AppendLine("global: { scrape_interval: 5s, evaluation_interval: 15s }")
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"rule_files: [\"{rules}\"]")
            .AppendLine("scrape_configs:");
        foreach (var job in jobs)
        {
            var targets = string.Join(", ", job.Select(target => $"\"127.0.0.1:{target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}\""));
            config.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  - job_name: {job.Key}")
                .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"    static_configs: [{{ targets: [{targets}] }}]");
        }

        var folder = settings.State("prometheus");
        Directory.CreateDirectory(folder);
        var configFile = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(configFile, config.ToString());
        var port = settings.PrometheusPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddExecutable("prometheus", binary, folder,
                $"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                $"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=2d")
            .WithHttpEndpoint(port: settings.PrometheusPort, targetPort: settings.PrometheusPort, name: "http", isProxied: false)
            .WithIconName("ChartMultiple");

        // channels-api-2 is a replica of channels-api: one job, as in production.
        static string JobOf(string resource) =>
            resource.StartsWith(KnownResources.ChannelsApi + "-", StringComparison.Ordinal) ? KnownResources.ChannelsApi : resource;
    }

    /// <summary>A provider URL: the emulator's address, unless the AppHost's configuration names the real provider's (docs/providers.md).</summary>
    private static IResourceBuilder<ServiceResource> WithProviderUrl(this IResourceBuilder<ServiceResource> project, string name, ReferenceExpression emulator) =>
        project.ApplicationBuilder.Configuration[name] is { Length: > 0 } configured
            ? project.WithEnvironment(name, configured)
            : project.WithEnvironment(name, emulator);

    private static IResourceBuilder<ServiceResource> WithParameters(
        this IResourceBuilder<ServiceResource> project,
        IEnumerable<(string Name, IResourceBuilder<ParameterResource> Parameter)> parameters)
    {
        foreach (var (name, parameter) in parameters)
        {
            project.WithEnvironment(name, parameter);
        }

        return project;
    }

    /// <summary>
    /// A provider's webhook target: the gateway's URL, resolved when the process starts — and left out
    /// when the gateway is not part of this run (<c>AppHost:Only</c>), so the emulators can run alone.
    /// </summary>
    private static IResourceBuilder<ServiceResource> WithWebhookUrl(
        this IResourceBuilder<ServiceResource> emulator, string variable, Func<IResourceBuilder<ServiceResource>?> gateway, string path) =>
        emulator.WithEnvironment(context =>
        {
            if (gateway() is { } target && target.ApplicationBuilder.Resources.Contains(target.Resource) && !context.EnvironmentVariables.ContainsKey(variable))
            {
                context.EnvironmentVariables[variable] = ReferenceExpression.Create($"{target.GetEndpoint("http")}{path}");
            }
        });

    /// <summary>
    /// <c>AGORA_EMULATOR_URL</c> for the gateway's development seller stream (<c>/api/dev/seller-stream</c>), resolved
    /// when the process starts — left out when the Agora emulator is not part of this run (<c>AppHost:Only</c>) or
    /// the services talk to the real Agora (<c>AGORA_API_BASE_URL</c> configured): its tokens would not join the
    /// emulator's channels, and the studio then publishes with the Agora Web SDK.
    /// </summary>
    private static IResourceBuilder<ServiceResource> WithAgoraEmulatorUrl(this IResourceBuilder<ServiceResource> gateway, IResourceBuilder<ServiceResource> agora) =>
        gateway.WithEnvironment(context =>
        {
            if (agora.ApplicationBuilder.Resources.Contains(agora.Resource)
                && gateway.ApplicationBuilder.Configuration["AGORA_API_BASE_URL"] is not { Length: > 0 })
            {
                context.EnvironmentVariables["AGORA_EMULATOR_URL"] = ReferenceExpression.Create($"{agora.GetEndpoint("http")}");
            }
        });

    /// <summary>
    /// Where recordings go. Against the emulator any S3-style values do (it writes into its storage
    /// folder under the bucket name); against the real Agora set the AGORA_RECORDING_STORAGE_* values.
    /// </summary>
    private static IResourceBuilder<ServiceResource> WithRecordingStorage(this IResourceBuilder<ServiceResource> project, IConfiguration configuration)
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
            var chosen = configuration[name] is { Length: > 0 } configured ? configured : value;
            if (name.EndsWith("_KEY", StringComparison.Ordinal))
            {
                // The bucket's keys: a secret parameter, masked in the dashboard like the providers' secrets.
                project.WithEnvironment(name, project.ApplicationBuilder.AddParameter(ParameterName(name), chosen, secret: true));
            }
            else
            {
                project.WithEnvironment(name, chosen);
            }
        }

        return project;
    }

    private static IResourceBuilder<T> WithPassThrough<T>(this IResourceBuilder<T> project, IConfiguration configuration, IEnumerable<string> names)
        where T : IResourceWithEnvironment
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

    /// <summary>
    /// Every value under <paramref name="section"/> (e.g. <c>Prices:Agora:Host:Hd:UsdPer1000Minutes</c>, set
    /// on the AppHost as <c>Prices__Agora__Host__Hd__UsdPer1000Minutes</c>), passed on as the same
    /// environment variable, so negotiated prices reach the service that uses them.
    /// </summary>
    private static IResourceBuilder<T> WithPassThroughSection<T>(this IResourceBuilder<T> project, IConfiguration configuration, string section)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
        {
            if (value is { Length: > 0 })
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }

    /// <summary>
    /// Whether a resource of the model is one the topology runs or represents — not a parameter, not the
    /// dashboard Aspire adds: what the AppHost's start-up report and the tests wait for.
    /// </summary>
    public static bool IsPartOfTopology(IResource resource) => resource is not ParameterResource && resource.Name != "aspire-dashboard";

    /// <summary><c>AGORA_APP_ID</c> → <c>agora-app-id</c>: resource names are lower-case with dashes.</summary>
    private static string ParameterName(string variable) => variable.ToLowerInvariant().Replace('_', '-');

    /// <summary>
    /// <c>AppHost:Only</c>: keeps the named resources and everything they wait for, reference or are
    /// part of (and the parameters), and removes the rest from the model before it starts.
    /// </summary>
    private static void KeepOnly(this IDistributedApplicationBuilder builder, IReadOnlySet<string> names)
    {
        var unknown = names.Where(name => builder.Resources.All(r => r.Name != name)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"AppHost:Only names {string.Join(", ", unknown)}, which the topology does not have. Resources: {string.Join(", ", builder.Resources.Select(r => r.Name))}.");
        }

        var keep = new HashSet<IResource>();
        var pending = new Stack<IResource>(builder.Resources.Where(r => names.Contains(r.Name)));
        while (pending.TryPop(out var resource))
        {
            if (!keep.Add(resource))
            {
                continue;
            }

            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
            {
                pending.Push(wait.Resource);
            }

            foreach (var relationship in resource.Annotations.OfType<ResourceRelationshipAnnotation>())
            {
                pending.Push(relationship.Resource);
            }

            if (resource is IResourceWithParent child)
            {
                pending.Push(child.Parent);
            }
        }

        foreach (var resource in builder.Resources.Where(r => !keep.Contains(r) && r is not ParameterResource).ToList())
        {
            builder.Resources.Remove(resource);
        }
    }
}
