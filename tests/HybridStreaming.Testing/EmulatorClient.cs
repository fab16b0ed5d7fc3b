using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HybridStreaming.Testing;

/// <summary>The emulators' test controls: broadcasters joining and leaving the Agora channel, fault injection.</summary>
public sealed class EmulatorClient(HttpClient http)
{
    public HttpClient Http { get; } = http;

    /// <summary>The seller joins the Agora channel (the emulator verifies the AccessToken2; media flows while present).</summary>
    public async Task JoinBroadcasterAsync(string channelName, uint uid, string token)
    {
        using var response = await Http.PostAsJsonAsync($"/__emulator/channels/{channelName}/broadcasters", new { uid, token });
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Joining {channelName} as {uid} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    public async Task LeaveBroadcasterAsync(string channelName, uint uid)
    {
        using var response = await Http.DeleteAsync($"/__emulator/channels/{channelName}/broadcasters/{uid}");
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new HttpRequestException($"Leaving {channelName} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Adds a fault (architecture §8.5 schema); returns its id.</summary>
    public async Task<string> AddFaultAsync(object fault)
    {
        using var response = await Http.PostAsJsonAsync("/__emulator/faults", fault);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").ToString();
    }

    /// <summary>The emulator's webhook log (<c>GET /__emulator/webhooks</c>): each delivery's event name and last body.</summary>
    public async Task<IReadOnlyList<(string Event, string Body)>> WebhookDeliveriesAsync()
    {
        using var body = JsonDocument.Parse(await Http.GetStringAsync("/__emulator/webhooks"));
        return [.. body.RootElement.EnumerateArray().Select(d => (
            d.GetProperty("event").GetString() ?? "",
            d.TryGetProperty("body", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : ""))];
    }

    public async Task ClearFaultsAsync()
    {
        using var response = await Http.DeleteAsync("/__emulator/faults");
        response.EnsureSuccessStatusCode();
    }
}
