using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Processes;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Media;

/// <summary>Stopping the topology stops every ffmpeg and nginx the emulators started, and leaves no zombie.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_emulators_leaves_no_ffmpeg_nginx_or_zombie_behind()
    {
        List<ProcessInfo> started;
        string scratch;
        await using (var t = await EmulatorTopology.StartAsync())
        {
            var channel = "bye_" + Guid.NewGuid().ToString("N")[..8];
            var input = (await t.Cloudflare.PostJsonAsync(t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
            await t.JoinAsync(channel, 11);
            await t.CreateConverterAsync(channel, channel, 11, input["rtmps"]!["url"]!.GetValue<string>() + input["rtmps"]!["streamKey"]!.GetValue<string>());
            var pids = new[] { KnownResources.AgoraEmulator, KnownResources.CloudflareEmulator }.Select(n => t.App.ProcessId(n) ?? throw new InvalidOperationException($"{n} is not running")).ToList();

            started = await Eventually.ValueAsync(
                () => Task.FromResult(pids.SelectMany(pid => ProcessTree.Descendants(pid)).ToList()),
                tree => tree.Count(p => p.Command == "ffmpeg") >= 2 && tree.Count(p => p.Command == "nginx") >= 2,
                TimeSpan.FromSeconds(45), "an encoder, a converter and two nginx servers");
            scratch = Path.Combine(t.App.StateDirectory, KnownResources.CloudflareEmulator, "scratch");
            Directory.Exists(scratch).Should().BeTrue();
        }

        var left = started
            .Select(p => (Before: p, Now: ProcessTree.TryRead(p.Pid)))
            .Where(x => x.Now is { } now && now.StartTime == x.Before.StartTime)
            .Select(x => $"{x.Before.Pid} {x.Before.Command} (state {x.Now!.Value.State})")
            .ToList();
        left.Should().BeEmpty("every media process must stop with its emulator, and none may stay a zombie");
    }
}
