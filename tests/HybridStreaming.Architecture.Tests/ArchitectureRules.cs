using System.Reflection;
using System.Xml.Linq;
using HybridStreaming.Testing;
using NetArchTest.Rules;

namespace HybridStreaming.Architecture.Tests;

/// <summary>The dependency rules of the style guide, as code the tests apply.</summary>
public static class ArchitectureRules
{
    public static readonly string[] InfrastructureNamespaces = ["Microsoft.EntityFrameworkCore", "MassTransit", "Microsoft.AspNetCore"];

    /// <summary>Projects a service may reference: shared libraries, never another service.</summary>
    public static readonly string[] AllowedServiceReferences =
    [
        "HybridStreaming.Contracts",
        "HybridStreaming.Messaging",
        "HybridStreaming.ServiceDefaults",
        "HybridStreaming.Agora",
        "HybridStreaming.Cloudflare",
    ];


    /// <summary>Names of types in a <c>Domain</c> namespace of <paramref name="assembly"/> that depend on infrastructure.</summary>
    public static IReadOnlyList<string> DomainTypesUsingInfrastructure(Assembly assembly)
    {
        var result = Types.InAssembly(assembly)
            .That().ResideInNamespaceMatching(@"(^|\.)Domain(\.|$)")
            .ShouldNot().HaveDependencyOnAny(InfrastructureNamespaces)
            .GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames];
    }

    public static int DomainTypeCount(Assembly assembly) =>
        Types.InAssembly(assembly).That().ResideInNamespaceMatching(@"(^|\.)Domain(\.|$)").GetTypes().Count();

    /// <summary>The service projects: every web/worker project under src/ except the emulators.</summary>
    public static IReadOnlyList<string> ServiceProjectFiles() =>
        [.. Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Where(path => XDocument.Load(path).Root?.Attribute("Sdk")?.Value == "Microsoft.NET.Sdk.Web")
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}Emulators{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order()];

    public static IReadOnlyList<string> ProjectReferences(string projectFile) =>
        [.. XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))];

    public static IReadOnlyList<string> PackageReferences(string projectFile) =>
        [.. XDocument.Load(projectFile).Descendants("PackageReference").Select(reference => reference.Attribute("Include")!.Value)];
}
