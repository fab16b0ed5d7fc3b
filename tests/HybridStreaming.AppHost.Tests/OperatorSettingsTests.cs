using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Xunit;

namespace HybridStreaming.AppHost.Tests;

/// <summary>
/// What an operator sets on the AppHost reaches the services that use it (the model alone, nothing
/// started). In the AppHost processes' collection, so it never builds an AppHost in this process while another
/// test runs one as a child process: when the two overlapped, that run's services exited (twice in a row).
/// </summary>
[Collection(AppHostProcesses.Name)]
public sealed class OperatorSettingsTests
{
    [Fact]
    public async Task Negotiated_prices_and_the_ledger_settings_are_passed_to_the_cost_api()
    {
        var environment = await EnvironmentOfAsync(
            KnownResources.CostApi,
            "--Prices:Agora:Host:Hd:UsdPer1000Minutes=3.5",
            "--Prices:Agora:Host:Hd:Source=contract 2026-11",
            "--COST_LEDGER_DEADLINE_SECONDS=120",
            "--COST_AGORA_AUDIENCE=broadcast");

        environment.Should().Contain("Prices__Agora__Host__Hd__UsdPer1000Minutes", "3.5")
            .And.Contain("Prices__Agora__Host__Hd__Source", "contract 2026-11")
            .And.Contain("COST_LEDGER_DEADLINE_SECONDS", "120")
            .And.Contain("COST_AGORA_AUDIENCE", "broadcast");
    }

    [Fact]
    public async Task The_start_deadline_is_one_setting_for_the_channel_api_and_the_relay_worker()
    {
        string[] settings = ["--RELAY_START_DEADLINE_SECONDS=33", "--RELAY_LATE_START_GRACE_SECONDS=90", "--HYBRID_MAX_MODE_SWITCHES=2"];

        var channels = await EnvironmentOfAsync(KnownResources.ChannelsApi, settings);
        var relay = await EnvironmentOfAsync(KnownResources.RelayWorker, settings);

        channels.Should().Contain("RELAY_START_DEADLINE_SECONDS", "33").And.Contain("HYBRID_MAX_MODE_SWITCHES", "2");
        relay.Should().Contain("RELAY_START_DEADLINE_SECONDS", "33").And.Contain("RELAY_LATE_START_GRACE_SECONDS", "90");
    }

    [Fact]
    public async Task Prometheus_is_off_by_default_and_when_on_scrapes_every_service_with_the_production_rules()
    {
        using var state = new TemporaryFolder();
        await using (var plain = await CreateAsync(state.Path))
        {
            plain.Resources.Should().NotContain(r => r.Name == "prometheus");
        }

        await using var builder = await CreateAsync(state.Path, "--AppHost:Prometheus=true", "--AppHost:ChannelsApiReplicas=2");

        builder.Resources.Should().ContainSingle(r => r.Name == "prometheus");
        var config = await File.ReadAllTextAsync(System.IO.Path.Combine(state.Path, "prometheus", "prometheus.yml"), TestContext.Current.CancellationToken);
        foreach (var job in new[] { KnownResources.Gateway, KnownResources.ChannelsApi, KnownResources.RecordingWorker, KnownResources.RelayWorker, KnownResources.CostApi })
        {
            config.Should().Contain($"job_name: {job}\n");
        }

        config.Should().NotContain("channels-api-2", "a replica is another target of the same job");
        config.Should().NotContain("emulator", "the emulators stand in for the providers: not ours to scrape");
        var channelsPorts = builder.Resources.Where(r => r.Name.StartsWith(KnownResources.ChannelsApi, StringComparison.Ordinal))
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Where(e => e.Name == "metrics")).Select(e => $"127.0.0.1:{e.Port}").ToList();
        channelsPorts.Should().HaveCount(2);
        config.Should().Contain(string.Join("\", \"", channelsPorts));
        config.Should().Contain(System.IO.Path.Combine("deploy", "monitoring", "alerts.yml"));

        using var check = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("promtool", ["check", "config", System.IO.Path.Combine(state.Path, "prometheus", "prometheus.yml")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await check.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) + await check.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await check.WaitForExitAsync(TestContext.Current.CancellationToken);
        check.ExitCode.Should().Be(0, output);
    }

    private static Task<IDistributedApplicationTestingBuilder> CreateAsync(string state, params string[] settings) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.HybridStreaming_AppHost>(
            [$"--AppHost:StateDirectory={state}", "--AppHost:Console=false", .. settings],
            (application, _) => application.DisableDashboard = true,
            TestContext.Current.CancellationToken);

    /// <summary>The plain values of a resource's environment callbacks, as they would be written out at publish.</summary>
    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(string resource, params string[] settings)
    {
        using var state = new TemporaryFolder();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HybridStreaming_AppHost>(
            [$"--AppHost:StateDirectory={state.Path}", "--AppHost:Console=false", .. settings],
            (application, _) => application.DisableDashboard = true,
            TestContext.Current.CancellationToken);

        var project = builder.Resources.OfType<IResourceWithEnvironment>().Single(r => r.Name == resource);
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), values);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return values.Where(v => v.Value is string).ToDictionary(v => v.Key, v => (string)v.Value);
    }

    private sealed class TemporaryFolder : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hybridstreaming-tests", "model-" + Guid.NewGuid().ToString("N")[..12]);

        public void Dispose()
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
    }
}
