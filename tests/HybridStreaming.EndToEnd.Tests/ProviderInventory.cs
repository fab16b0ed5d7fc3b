using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>What runs at the provider emulators, read through the providers' own APIs with the AppHost's credentials.</summary>
internal sealed class ProviderInventory(HttpClient agora, HttpClient cloudflare, string appId, string accountId)
{
    public static async Task<ProviderInventory> OpenAsync(SystemFixture system)
    {
        var relay = await system.App.EnvironmentOfAsync(KnownResources.RelayWorker);
        var agora = new HttpClient { BaseAddress = system.App.GetEndpoint(KnownResources.AgoraEmulator) };
        agora.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{relay["AGORA_CUSTOMER_ID"]}:{relay["AGORA_CUSTOMER_SECRET"]}")));
        var cloudflare = new HttpClient { BaseAddress = system.App.GetEndpoint(KnownResources.CloudflareEmulator) };
        cloudflare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", relay["CLOUDFLARE_STREAM_API_TOKEN"]);
        return new ProviderInventory(agora, cloudflare, relay["AGORA_APP_ID"], relay["CLOUDFLARE_STREAM_ACCOUNT_ID"]);
    }

    /// <summary>Cloud Recording's bots in the channel (the emulator's view of who is in it).</summary>
    public async Task<IReadOnlyList<JsonElement>> RecordersInAsync(string channelName)
    {
        using var response = await agora.GetAsync($"/__emulator/channels/{channelName}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("recorders").EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>Media Push converters of the channel (Agora's list API).</summary>
    public async Task<IReadOnlyList<JsonElement>> ConvertersInAsync(string channelName)
    {
        using var response = await agora.GetAsync($"/v1/projects/{appId}/channels/{channelName}/rtmp-converters");
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("data").GetProperty("members").EnumerateArray().Select(m => m.Clone())];
    }

    /// <summary>The uid of the session's live input (found by its <c>meta.sessionId</c>).</summary>
    public async Task<string> LiveInputUidAsync(Guid sessionId)
    {
        using var list = JsonDocument.Parse(await cloudflare.GetStringAsync($"/client/v4/accounts/{accountId}/stream/live_inputs"));
        return list.RootElement.GetProperty("result").GetProperty("liveInputs").EnumerateArray()
            .Single(i => i.TryGetProperty("meta", out var meta) && meta.TryGetProperty("sessionId", out var id) && id.GetString() == sessionId.ToString())
            .GetProperty("uid").GetString()!;
    }

    /// <summary>The sessions' live inputs (found by their <c>meta.sessionId</c>) that are still enabled.</summary>
    public async Task<IReadOnlyList<string>> EnabledLiveInputsAsync(IEnumerable<Guid> sessionIds)
    {
        var wanted = sessionIds.Select(id => id.ToString()).ToHashSet(StringComparer.Ordinal);
        using var list = JsonDocument.Parse(await cloudflare.GetStringAsync($"/client/v4/accounts/{accountId}/stream/live_inputs"));
        var enabled = new List<string>();
        foreach (var summary in list.RootElement.GetProperty("result").GetProperty("liveInputs").EnumerateArray())
        {
            if (summary.TryGetProperty("meta", out var meta) && meta.TryGetProperty("sessionId", out var id) && wanted.Contains(id.GetString()!))
            {
                var uid = summary.GetProperty("uid").GetString();
                using var input = JsonDocument.Parse(await cloudflare.GetStringAsync($"/client/v4/accounts/{accountId}/stream/live_inputs/{uid}"));
                if (input.RootElement.GetProperty("result").TryGetProperty("enabled", out var flag) && flag.GetBoolean())
                {
                    enabled.Add(uid!);
                }
            }
        }

        return enabled;
    }
}
