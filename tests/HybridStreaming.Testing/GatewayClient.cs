using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridStreaming.Testing;

public sealed record ChannelDto(
    Guid Id, string Title, string Description, string SellerId, string AgoraChannelName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ChannelLiveDto? Live = null);

/// <summary>A channel's active session as the channel list and a channel show it.</summary>
public sealed record ChannelLiveDto(Guid SessionId, string State, string Mode, DateTimeOffset StartedAt, DateTimeOffset? LiveAt, int? Viewers);

public sealed record ComponentDto(string State, string? Detail, decimal? Minutes);

public sealed record StatusDto(
    Guid ChannelId,
    bool IsActive,
    Guid? SessionId,
    string? State,
    string? Mode,
    string? HlsPlaybackUrl,
    ComponentDto? Recording,
    ComponentDto? Relay,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LiveAt,
    DateTimeOffset? EndedAt,
    string? Reason,
    ViewerCountsDto? Viewers = null,
    IReadOnlyList<ModeChangeDto>? ModeHistory = null);

public sealed record ModeChangeDto(DateTimeOffset At, string Mode, string Reason);

public sealed record ViewerCountsDto(int Current, int Peak);

public sealed record GuestDto(string AccessToken, string ViewerId, DateTimeOffset ExpiresAt);

public sealed record HeartbeatDto(Guid? SessionId, string State, string? Mode, string? HlsUrl, ViewerCountsDto? Viewers, bool Counted, int NextBeatSeconds);

public sealed record ViewersDto(
    Guid? SessionId, int Current, int Peak, int UniqueViewers, decimal ViewerMinutes, decimal HlsViewerMinutes, decimal AgoraViewerMinutes, bool Complete);

public sealed record RtcTokenDto(string AppId, string ChannelName, uint Uid, string Token, DateTimeOffset ExpiresAt, string Role);

public sealed record PlaybackDto(Guid SessionId, string Mode, string? HlsUrl, string? AppId, string? ChannelName);

public sealed record SessionAcceptedDto(Guid SessionId, string State);

/// <summary>The public API as the seller and buyer apps use it: everything through the gateway.</summary>
public sealed class GatewayClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public HttpClient Http { get; } = http;

    /// <summary>A Development access token from the gateway's <c>/api/dev/token</c>.</summary>
    public async Task<string> TokenAsync(string userId, string role)
    {
        using var response = await Http.PostAsJsonAsync("/api/dev/token", new { userId, role });
        await EnsureAsync(response, HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await Http.SendAsync(request);
    }

    public async Task<ChannelDto> CreateChannelAsync(string token, string title, string description = "")
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/channels", token, new { title, description });
        return await ReadAsync<ChannelDto>(response, HttpStatusCode.Created);
    }

    /// <param name="query">The query string, e.g. <c>?sellerId=…&amp;live=true</c>.</param>
    public async Task<IReadOnlyList<ChannelDto>> ChannelsAsync(string token, string query = "")
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/channels{query}", token);
        return await ReadAsync<List<ChannelDto>>(response, HttpStatusCode.OK);
    }

    public async Task<ChannelDto> ChannelAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/channels/{channelId}", token);
        return await ReadAsync<ChannelDto>(response, HttpStatusCode.OK);
    }

    public async Task<SessionAcceptedDto> GoLiveAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/channels/{channelId}/live", token);
        return await ReadAsync<SessionAcceptedDto>(response, HttpStatusCode.Accepted);
    }

    public async Task<SessionAcceptedDto> StopAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/api/channels/{channelId}/live", token);
        return await ReadAsync<SessionAcceptedDto>(response, HttpStatusCode.Accepted);
    }

    public async Task<StatusDto> StatusAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/channels/{channelId}/status", token);
        return await ReadAsync<StatusDto>(response, HttpStatusCode.OK);
    }

    public async Task<RtcTokenDto> RtcTokenAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/channels/{channelId}/rtc-token", token);
        return await ReadAsync<RtcTokenDto>(response, HttpStatusCode.OK);
    }

    /// <summary>A guest token from <c>POST /api/viewers/guest</c> (keeping <paramref name="viewerId"/> when given).</summary>
    public async Task<GuestDto> GuestAsync(string? viewerId = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/viewers/guest", token: null, viewerId is null ? null : new { viewerId });
        return await ReadAsync<GuestDto>(response, HttpStatusCode.OK);
    }

    public async Task<HeartbeatDto> HeartbeatAsync(string token, Guid channelId, string? path = null)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/channels/{channelId}/viewers/heartbeat", token, path is null ? null : new { path });
        return await ReadAsync<HeartbeatDto>(response, HttpStatusCode.OK);
    }

    public async Task<ViewersDto> ViewersAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/channels/{channelId}/viewers", token);
        return await ReadAsync<ViewersDto>(response, HttpStatusCode.OK);
    }

    public async Task<PlaybackDto> PlaybackAsync(string token, Guid channelId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/channels/{channelId}/playback", token);
        return await ReadAsync<PlaybackDto>(response, HttpStatusCode.OK);
    }

    /// <summary>
    /// Polls the status until <paramref name="done"/> holds (generous timeouts: figures come from
    /// benchmarks). Many sessions at once poll slower (<paramref name="interval"/>), or the polling itself
    /// becomes the load being measured.
    /// </summary>
    public Task<StatusDto> WaitForStatusAsync(string token, Guid channelId, Func<StatusDto, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null) =>
        Eventually.ValueAsync(() => StatusAsync(token, channelId), done, timeout, what, interval ?? TimeSpan.FromMilliseconds(200));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        await EnsureAsync(response, expected);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}",
                null,
                response.StatusCode);
        }
    }
}
