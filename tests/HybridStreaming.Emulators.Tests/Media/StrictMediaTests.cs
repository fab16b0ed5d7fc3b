using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Media;

/// <summary>Strict mode with media: Cloudflare's 2–10 s GOP rule, checked on the real stream.</summary>
public sealed class StrictMediaTests
{
    [Fact]
    public async Task A_one_second_keyframe_interval_is_reported_as_err_gop_out_of_range()
    {
        await using var t = await EmulatorTopology.StartAsync(new Dictionary<string, string> { ["EMULATOR_STRICT"] = "on" });
        var channel = "gop_" + Guid.NewGuid().ToString("N")[..8];
        var input = (await t.Cloudflare.PostJsonAsync(t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        await t.JoinAsync(channel, 21);

        await t.CreateConverterAsync(channel, channel, 21, input["rtmps"]!["url"]!.GetValue<string>() + input["rtmps"]!["streamKey"]!.GetValue<string>());

        var errored = await Eventually.ValueAsync(
            () => Task.FromResult(t.Webhooks.Received.FirstOrDefault(w => w.Text.Contains(uid, StringComparison.Ordinal) && w.Text.Contains("live_input.errored", StringComparison.Ordinal))),
            w => w is not null, TimeSpan.FromSeconds(45), "live_input.errored");
        var details = errored!.Json["data"]!["live_input_errored"]!;
        details["error"]!["code"]!.GetValue<string>().Should().Be("ERR_GOP_OUT_OF_RANGE");
        details["video_codec"]!.GetValue<string>().Should().Be("h264");
        details["audio_codec"]!.GetValue<string>().Should().Be("aac");
    }
}
