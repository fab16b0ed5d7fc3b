namespace HybridStreaming.AppHost;

/// <summary>
/// One of this repository's .NET projects (a service, the gateway or an emulator), run from the build
/// output the AppHost's project references produce (<c>artifacts/bin/&lt;Project&gt;/&lt;config&gt;/</c>)
/// as <c>dotnet &lt;Project&gt;.dll</c>, with the project folder as its working directory.
/// <para>
/// Not an Aspire <see cref="ProjectResource"/>: DCP starts those through <c>dotnet run --no-build</c>,
/// which evaluates the project with MSBuild on every start and then stays beside the service as its
/// parent: for seven projects on two cores, more than twice the start-up time and hundreds of MiB of
/// idle memory (docs/benchmarks.md, decision 0008). Everything else is the same: endpoints, references
/// and service discovery, <c>WaitFor</c>, health checks, OTLP, the dashboard's commands.
/// </para>
/// </summary>
public sealed class ServiceResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery
{
    /// <summary>The resource for <paramref name="project"/>, from the build output of the AppHost's own configuration.</summary>
    public static ServiceResource For(IProjectMetadata project, string name, string appHostDirectory)
    {
        var projectName = Path.GetFileNameWithoutExtension(project.ProjectPath);
        var output = Path.GetFullPath(Path.Combine(appHostDirectory, "..", "artifacts", "bin", projectName, BuildPivot(), projectName + ".dll"));
        if (!File.Exists(output))
        {
            throw new InvalidOperationException(
                $"{projectName} is not built ({output} is missing). Build the AppHost, which builds every service: " +
                "dotnet build HybridStreaming.AppHost (./run.sh does).");
        }

        var resource = new ServiceResource(name, DotNet(), Path.GetDirectoryName(project.ProjectPath)!);
        resource.Annotations.Add(new CommandLineArgsCallbackAnnotation(args => args.Add(output)));
        return resource;
    }

    /// <summary>The artifacts pivot (<c>debug</c> or <c>release</c>) this AppHost was built in; the services were built with it.</summary>
    private static string BuildPivot()
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return own.Parent?.Parent?.Name == "bin" && own.Parent.Parent.Parent?.Name == "artifacts" ? own.Name : "debug";
    }

    /// <summary>The dotnet host this AppHost runs on.</summary>
    private static string DotNet() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet"
                ? self
                : "dotnet";
}
