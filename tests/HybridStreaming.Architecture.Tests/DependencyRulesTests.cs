using System.Reflection;
using FluentAssertions;
using HybridStreaming.Contracts;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.Architecture.Tests;

public sealed class DependencyRulesTests
{
    public static TheoryData<string> ServiceAssemblies() =>
    [
        "HybridStreaming.Channels.Api",
        "HybridStreaming.Recording.Worker",
        "HybridStreaming.Relay.Worker",
        "HybridStreaming.Cost.Api",
        "HybridStreaming.Gateway",
    ];

    [Theory]
    [MemberData(nameof(ServiceAssemblies))]
    public void Domain_types_use_no_ef_core_masstransit_or_aspnetcore(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);

        ArchitectureRules.DomainTypesUsingInfrastructure(assembly).Should().BeEmpty();
    }

    [Fact]
    public void The_domain_rule_flags_a_domain_type_that_uses_ef_core_and_passes_a_clean_one()
    {
        var samples = typeof(DependencyRulesTests).Assembly;

        ArchitectureRules.DomainTypeCount(samples).Should().Be(2);
        ArchitectureRules.DomainTypesUsingInfrastructure(samples)
            .Should().Equal("HybridStreaming.Architecture.Tests.Samples.Domain.LeakyAggregate");
    }

    [Fact]
    public void Contracts_has_no_package_or_project_references()
    {
        var project = Path.Combine(Repository.Root, "src", "HybridStreaming.Contracts", "HybridStreaming.Contracts.csproj");

        ArchitectureRules.PackageReferences(project).Should().BeEmpty();
        ArchitectureRules.ProjectReferences(project).Should().BeEmpty();
        typeof(IIntegrationEvent).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Should().OnlyContain(name => name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
                "contracts are plain records that any service can reference without dragging packages along");
    }

    [Fact]
    public void Every_integration_event_carries_session_channel_and_time()
    {
        var events = typeof(IIntegrationEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace!.StartsWith("HybridStreaming.Contracts.", StringComparison.Ordinal))
            .Where(t => t.Name != nameof(RecordingFile))
            .ToList();

        events.Should().NotBeEmpty();
        events.Should().OnlyContain(t => typeof(IIntegrationEvent).IsAssignableFrom(t), "architecture §8: every event carries SessionId, ChannelId and OccurredAt");
    }

    [Fact]
    public void No_service_references_another_service()
    {
        var services = ArchitectureRules.ServiceProjectFiles();

        services.Select(Path.GetFileNameWithoutExtension).Should().Contain(
            ["HybridStreaming.Channels.Api", "HybridStreaming.Recording.Worker", "HybridStreaming.Relay.Worker", "HybridStreaming.Cost.Api", "HybridStreaming.Gateway"]);
        foreach (var service in services)
        {
            ArchitectureRules.ProjectReferences(service).Should().BeSubsetOf(
                ArchitectureRules.AllowedServiceReferences, $"{Path.GetFileName(service)} may use only shared libraries");
        }
    }

    [Fact]
    public void The_emulators_share_no_code_with_the_services_or_the_provider_clients_they_check()
    {
        var emulators = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src", "Emulators"), "*.csproj", SearchOption.AllDirectories).ToList();

        emulators.Select(Path.GetFileNameWithoutExtension).Should().Contain(
            ["HybridStreaming.Emulators.Common", "HybridStreaming.Emulators.Agora", "HybridStreaming.Emulators.CloudflareStream"]);
        foreach (var emulator in emulators)
        {
            ArchitectureRules.ProjectReferences(emulator).Should().BeSubsetOf(
                ["HybridStreaming.Emulators.Common", "HybridStreaming.Processes"],
                $"{Path.GetFileName(emulator)} must not use ServiceDefaults, Messaging or the production Agora/Cloudflare clients: one bug must not pass on both sides");
        }
    }

    [Theory]
    [InlineData("HybridStreaming.Agora")]
    [InlineData("HybridStreaming.Cloudflare")]
    public void Provider_client_libraries_depend_only_on_service_defaults(string library)
    {
        var project = Path.Combine(Repository.Root, "src", library, $"{library}.csproj");

        ArchitectureRules.ProjectReferences(project).Should().Equal(["HybridStreaming.ServiceDefaults"],
            "a provider library is used by services, never uses one, and never uses the other provider's library");
    }

    [Theory]
    [MemberData(nameof(ServiceAssemblies))]
    public void Every_service_uses_service_defaults(string assemblyName)
    {
        Assembly.Load(assemblyName).GetReferencedAssemblies().Select(a => a.Name)
            .Should().Contain("HybridStreaming.ServiceDefaults");
    }
}
