using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;

namespace HybridStreaming.Emulators.Tests.Infrastructure;

public static class Http
{
    public static StringContent Json(object body) =>
        new(body is JsonNode node ? node.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static async Task<(int Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? Json(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(int Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);

    public static Task<(int Status, JsonNode? Body)> PostJsonAsync(this HttpClient client, string path, object? body) => client.SendAsync(HttpMethod.Post, path, body ?? new { });

    public static async Task<HttpResponseMessage> GetAsync(this HttpClient client, Uri baseUrl, string path) =>
        await client.GetAsync(new Uri(baseUrl, path));

    /// <summary>Cloudflare's success envelope, and its result.</summary>
    public static JsonNode Result(this (int Status, JsonNode? Body) response, int status = 200)
    {
        response.Status.Should().Be(status, response.Body?.ToJsonString());
        response.Body!["success"]!.GetValue<bool>().Should().BeTrue();
        response.Body["errors"]!.AsArray().Should().BeEmpty();
        response.Body["messages"]!.AsArray().Should().BeEmpty();
        return response.Body["result"]!;
    }

    /// <summary>Cloudflare's failure envelope: result null, success false, the error codes.</summary>
    public static IReadOnlyList<int> Failure(this (int Status, JsonNode? Body) response, int status)
    {
        response.Status.Should().Be(status, response.Body?.ToJsonString());
        var body = response.Body!.AsObject();
        body.Should().ContainKeys("result", "success", "errors", "messages");
        body["result"].Should().BeNull();
        body["success"]!.GetValue<bool>().Should().BeFalse();
        return [.. body["errors"]!.AsArray().Select(e => e!["code"]!.GetValue<int>())];
    }
}

public static class MediaProbe
{
    /// <summary>The codec names of the streams of a file or URL (ffprobe).</summary>
    public static async Task<IReadOnlyList<string>> CodecsAsync(string input)
    {
        var info = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", input])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, errors);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.TrimEnd(','))];
    }

    public static async Task<double> DurationAsync(string input)
    {
        var info = new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", input])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return double.TryParse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
    }

    public static int SegmentCount(string playlist) => playlist.Split('\n').Count(l => l.StartsWith("#EXTINF", StringComparison.Ordinal));
}
