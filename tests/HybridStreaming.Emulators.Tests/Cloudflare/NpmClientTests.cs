using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Testing;
using HybridStreaming.Emulators.Tests.Infrastructure;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Cloudflare;

/// <summary>
/// Cloudflare's official npm client (<c>cloudflare</c> 7.3.0), unchanged, pointed at the emulator: the
/// strongest check that paths, envelopes and field names are what real clients expect. Its packages are
/// installed with <c>npm ci</c> from the committed lock file when missing (node_modules is git-ignored).
/// </summary>
public sealed class NpmClientTests(EmulatorsFixture fixture)
{
    private static readonly string NodeFolder = Path.Combine(Repository.Root, "tests", "HybridStreaming.Emulators.Tests", "node");
    private static readonly SemaphoreSlim Install = new(1, 1);
    private readonly EmulatorTopology _t = fixture.Topology;

    [Fact]
    public async Task The_official_client_creates_reads_lists_updates_and_deletes_live_inputs_and_outputs()
    {
        await EnsureInstalledAsync();

        var (code, output, errors) = await RunAsync("node", ["client-test.mjs"], new Dictionary<string, string>
        {
            ["CF_BASE_URL"] = new Uri(_t.CloudflareUrl, "/client/v4").ToString(),
            ["CF_API_TOKEN"] = _t.Providers.CloudflareApiToken,
            ["CF_ACCOUNT_ID"] = _t.Providers.CloudflareAccountId,
        });

        code.Should().Be(0, errors + output);
        var seen = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        seen["created"]!["hasKey"]!.GetValue<bool>().Should().BeTrue();
        seen["created"]!["mode"]!.GetValue<string>().Should().Be("automatic");
        seen["created"]!["url"]!.GetValue<string>().Should().StartWith("rtmp://127.0.0.1:");
        seen["got"]!["uid"]!.GetValue<string>().Should().Be(seen["created"]!["uid"]!.GetValue<string>());
        seen["got"]!["name"]!.GetValue<string>().Should().Be("npm client");
        seen["listed"]!.GetValue<bool>().Should().BeTrue();
        seen["updated"]!["name"]!.GetValue<string>().Should().Be("renamed");
        seen["updated"]!["enabled"]!.GetValue<bool>().Should().BeFalse();
        seen["output"]!["hasUid"]!.GetValue<bool>().Should().BeTrue();
        seen["output"]!["enabled"]!.GetValue<bool>().Should().BeTrue();
        seen["outputsListed"]!.GetValue<int>().Should().Be(1);
        seen["outputToggled"]!.GetValue<bool>().Should().BeFalse();
        seen["videos"]!.GetValue<int>().Should().Be(0);
        seen["afterDelete"]!["status"]!.GetValue<int>().Should().Be(404);
        seen["afterDelete"]!["name"]!.GetValue<string>().Should().Be("NotFoundError");
        seen["wrongToken"]!["status"]!.GetValue<int>().Should().Be(403);
        seen["wrongToken"]!["name"]!.GetValue<string>().Should().Be("PermissionDeniedError");
    }

    private static async Task EnsureInstalledAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(NodeFolder, "node_modules", "cloudflare", "package.json")))
            {
                return;
            }

            var (code, output, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>());
            code.Should().Be(0, $"npm ci failed:{Environment.NewLine}{output}{errors}");
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = NodeFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
