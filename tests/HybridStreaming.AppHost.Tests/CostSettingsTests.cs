using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Xunit;

namespace HybridStreaming.AppHost.Tests;

/// <summary>What an operator sets on the AppHost for costs reaches the Cost API (the model alone, nothing started).</summary>
public sealed class CostSettingsTests
{
    [Fact]
    public async Task Negotiated_prices_and_the_ledger_settings_are_passed_to_the_cost_api()
    {
        using var state = new TemporaryFolder();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.HybridStreaming_AppHost>(
            [
                $"--AppHost:StateDirectory={state.Path}",
                "--AppHost:Console=false",
                "--Prices:Agora:Host:Hd:UsdPer1000Minutes=3.5",
                "--Prices:Agora:Host:Hd:Source=contract 2026-11",
                "--COST_LEDGER_DEADLINE_SECONDS=120",
                "--COST_AGORA_AUDIENCE=broadcast",
            ],
            (application, _) => application.DisableDashboard = true,
            TestContext.Current.CancellationToken);

        var cost = builder.Resources.OfType<IResourceWithEnvironment>().Single(r => r.Name == KnownResources.CostApi);
        // The plain values of the resource's environment callbacks, as they would be written out at publish.
        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), values);
        foreach (var callback in cost.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        var environment = values.Where(v => v.Value is string).ToDictionary(v => v.Key, v => (string)v.Value);

        environment.Should().Contain("Prices__Agora__Host__Hd__UsdPer1000Minutes", "3.5")
            .And.Contain("Prices__Agora__Host__Hd__Source", "contract 2026-11")
            .And.Contain("COST_LEDGER_DEADLINE_SECONDS", "120")
            .And.Contain("COST_AGORA_AUDIENCE", "broadcast");
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
