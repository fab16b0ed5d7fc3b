using System.Runtime.CompilerServices;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Agora;

/// <summary>
/// Agora Media Push (RTMP converter) REST client: <c>/{region}/v1/projects/{appId}/rtmp-converters</c>
/// with the configured CDN-origin region, list without region. A duplicate name answers 409
/// (<see cref="ProviderApiException.IsConflict"/>); a converter that is gone 404
/// (<see cref="ProviderApiException.IsNotFound"/>). Failures throw <see cref="AgoraApiException"/>.
/// </summary>
public sealed partial class MediaPushClient
{
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(300);

    private readonly AgoraOptions options;
    private readonly AgoraHttp http;
    private readonly ILogger logger;

    public MediaPushClient(
        HttpClient httpClient, IOptions<AgoraOptions> options, IOptionsMonitor<ProviderResilienceOptions> resilience,
        ILogger<MediaPushClient> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resilience);
        this.options = options.Value;
        this.logger = logger;
        http = new AgoraHttp(httpClient, logger, time, resilience.Get(AgoraServiceCollectionExtensions.ProviderName).BreakerBreakDuration);
    }

    /// <summary>
    /// The deterministic converter name <c>&lt;channel&gt;_&lt;purpose&gt;</c> Agora recommends against
    /// double pushes: at most 64 characters of <c>[A-Za-z0-9_-]</c>.
    /// </summary>
    public static string ConverterName(string channelName, string purpose)
    {
        var name = $"{channelName}_{purpose}";
        return IsValidName(name)
            ? name
            : throw new ArgumentException($"A converter name must be 1–64 characters of A–Z, a–z, 0–9, '_' or '-' (got '{name}').", nameof(channelName));
    }

    /// <summary>
    /// <c>POST /{region}/v1/projects/{appId}/rtmp-converters</c> with <c>rawOptions</c>. Retried on 5xx/429/transport
    /// errors: safe because the name is unique — if an earlier attempt did create it, the retry answers 409.
    /// </summary>
    public async Task<MediaPushConverter> CreateAsync(
        MediaPushRawConverter converter, string? regionHintIp = null, CancellationToken cancellationToken = default)
    {
        var spec = Validate(converter);
        var query = regionHintIp is null ? "" : $"?regionHintIp={Uri.EscapeDataString(regionHintIp)}";
        var response = await http.SendAsync("media-push.create", HttpMethod.Post, $"{RegionalPrefix}{query}",
            ProviderJson.Content(new CreateConverterRequest(spec), AgoraJsonContext.Default.CreateConverterRequest),
            AgoraJsonContext.Default.ConverterEnvelope, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, response.Converter.Id, spec.Name, converter.RtcChannel, converter.RtcStreamUid, response.Converter.State);
        return response.Converter;
    }

    /// <summary>
    /// Creates the converter, or — when its name is taken (409), e.g. by an earlier attempt of the same
    /// session — finds it by name in its channel and returns that one (<see cref="MediaPushCreateResult.Reused"/>).
    /// </summary>
    public async Task<MediaPushCreateResult> CreateOrReuseAsync(MediaPushRawConverter converter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(converter);
        try
        {
            return new(await CreateAsync(converter, cancellationToken: cancellationToken).ConfigureAwait(false), Reused: false);
        }
        catch (AgoraApiException exception) when (exception.IsConflict)
        {
            var existing = await FindByNameAsync(converter.RtcChannel, converter.Name, cancellationToken).ConfigureAwait(false)
                ?? throw new AgoraApiException("media-push.create",
                    $"Agora answered 409 for converter name '{converter.Name}', but no converter of that name is listed in channel '{converter.RtcChannel}': the name is used in another channel.",
                    409, exception.Code, exception.Reason, isRetryable: false, requestId: exception.RequestId, innerException: exception);
            LogReused(logger, existing.ConverterId, converter.Name, converter.RtcChannel);
            var current = await GetAsync(existing.ConverterId, cancellationToken).ConfigureAwait(false);
            return new(current, Reused: true);
        }
    }

    /// <summary><c>GET /{region}/v1/projects/{appId}/rtmp-converters/{converterId}</c>.</summary>
    public async Task<MediaPushConverter> GetAsync(string converterId, CancellationToken cancellationToken = default)
    {
        RequireId(converterId);
        var response = await http.SendAsync("media-push.get", HttpMethod.Get, $"{RegionalPrefix}/{AgoraHttp.Segment(converterId)}",
            null, AgoraJsonContext.Default.ConverterEnvelope, cancellationToken).ConfigureAwait(false);
        return response.Converter;
    }

    /// <summary><c>DELETE /{region}/v1/projects/{appId}/rtmp-converters/{converterId}</c>; 404 if it is already gone.</summary>
    public async Task DeleteAsync(string converterId, CancellationToken cancellationToken = default)
    {
        RequireId(converterId);
        await http.SendAsync<object>("media-push.delete", HttpMethod.Delete, $"{RegionalPrefix}/{AgoraHttp.Segment(converterId)}",
            null, null, cancellationToken).ConfigureAwait(false);
        LogDeleted(logger, converterId);
    }

    /// <summary><c>GET /v1/projects/{appId}/rtmp-converters[?cursor=]</c>: one page of the project's converters.</summary>
    public Task<MediaPushConverterList> ListAsync(long? cursor = null, CancellationToken cancellationToken = default) =>
        ListPageAsync($"v1/projects/{AgoraHttp.Segment(options.AppId)}/rtmp-converters", cursor, cancellationToken);

    /// <summary><c>GET /v1/projects/{appId}/channels/{channel}/rtmp-converters[?cursor=]</c>: one page of a channel's converters.</summary>
    public Task<MediaPushConverterList> ListByChannelAsync(string channelName, long? cursor = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(channelName))
        {
            throw new ArgumentException("channelName is required.", nameof(channelName));
        }

        return ListPageAsync($"v1/projects/{AgoraHttp.Segment(options.AppId)}/channels/{AgoraHttp.Segment(channelName)}/rtmp-converters", cursor, cancellationToken);
    }

    /// <summary>Every converter of the project (or of <paramref name="channelName"/>), following the cursor until it is 0.</summary>
    public async IAsyncEnumerable<MediaPushConverterSummary> ListAllAsync(
        string? channelName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long? cursor = null;
        var seen = new HashSet<long>();
        while (true)
        {
            var page = channelName is null
                ? await ListAsync(cursor, cancellationToken).ConfigureAwait(false)
                : await ListByChannelAsync(channelName, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var member in page.Members)
            {
                yield return member;
            }

            if (page.Cursor == 0)
            {
                yield break;
            }

            if (!seen.Add(page.Cursor))
            {
                throw new AgoraApiException("media-push.list", $"Agora returned cursor {page.Cursor} twice; stopped paging.",
                    200, null, null, isRetryable: false);
            }

            cursor = page.Cursor;
        }
    }

    /// <summary>The converter named <paramref name="name"/> in <paramref name="channelName"/>, or null.</summary>
    public async Task<MediaPushConverterSummary?> FindByNameAsync(string channelName, string name, CancellationToken cancellationToken = default)
    {
        await foreach (var member in ListAllAsync(channelName, cancellationToken).ConfigureAwait(false))
        {
            if (string.Equals(member.ConverterName, name, StringComparison.Ordinal))
            {
                return member;
            }
        }

        return null;
    }

    private async Task<MediaPushConverterList> ListPageAsync(string path, long? cursor, CancellationToken cancellationToken)
    {
        var query = cursor is { } c and not 0 ? $"?cursor={c}" : "";
        var response = await http.SendAsync("media-push.list", HttpMethod.Get, path + query, null,
            AgoraJsonContext.Default.ConverterListResponse, cancellationToken).ConfigureAwait(false);
        return response.Data ?? new MediaPushConverterList(0, 0, []);
    }

    private string RegionalPrefix => $"{options.MediaPushRegion.ToLowerInvariant()}/v1/projects/{AgoraHttp.Segment(options.AppId)}/rtmp-converters";

    private static ConverterSpec Validate(MediaPushRawConverter converter)
    {
        ArgumentNullException.ThrowIfNull(converter);
        if (!IsValidName(converter.Name))
        {
            throw new ArgumentException($"Name must be 1–64 characters of A–Z, a–z, 0–9, '_' or '-' (got '{converter.Name}').", nameof(converter));
        }

        if (string.IsNullOrWhiteSpace(converter.RtcChannel))
        {
            throw new ArgumentException("RtcChannel is required.", nameof(converter));
        }

        if (converter.RtcStreamUid == 0)
        {
            throw new ArgumentException("RtcStreamUid must be the publisher's uid (1–4294967295); a raw converter pushes exactly one uid.", nameof(converter));
        }

        if (converter.RtmpUrl is not { Length: > 0 and <= 1024 }
            || !Uri.TryCreate(converter.RtmpUrl, UriKind.Absolute, out var url)
            || (url.Scheme != "rtmp" && url.Scheme != "rtmps"))
        {
            // The URL holds the stream key: say what is wrong, not what it is.
            throw new ArgumentException("RtmpUrl must be an absolute rtmp:// or rtmps:// URL of at most 1024 characters.", nameof(converter));
        }

        var idle = converter.IdleTimeout ?? DefaultIdleTimeout;
        if (idle < TimeSpan.FromSeconds(1) || idle.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentException($"IdleTimeout must be at least one second (got {idle}).", nameof(converter));
        }

        return new ConverterSpec
        {
            Name = converter.Name,
            RawOptions = new RawOptions(converter.RtcChannel, converter.RtcStreamUid),
            RtmpUrl = converter.RtmpUrl,
            IdleTimeout = (int)idle.TotalSeconds,
        };
    }

    private static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static void RequireId(string converterId)
    {
        if (string.IsNullOrWhiteSpace(converterId))
        {
            throw new ArgumentException("converterId is required.", nameof(converterId));
        }
    }

    [LoggerMessage(EventId = 9220, Level = LogLevel.Information,
        Message = "Agora Media Push converter {ConverterId} ({Name}) created for channel {Channel}, uid {Uid}: {State}")]
    private static partial void LogCreated(ILogger logger, string converterId, string name, string channel, uint uid, string? state);

    [LoggerMessage(EventId = 9221, Level = LogLevel.Information,
        Message = "Agora Media Push converter {ConverterId} ({Name}) already existed in channel {Channel}: reusing it")]
    private static partial void LogReused(ILogger logger, string converterId, string name, string channel);

    [LoggerMessage(EventId = 9222, Level = LogLevel.Information, Message = "Agora Media Push converter {ConverterId} deleted")]
    private static partial void LogDeleted(ILogger logger, string converterId);
}
