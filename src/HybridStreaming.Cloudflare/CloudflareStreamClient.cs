using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cloudflare;

/// <summary>
/// Cloudflare Stream REST client (<c>{CLOUDFLARE_API_BASE_URL}/accounts/{account}/stream/…</c>, Bearer token).
/// Results are unwrapped from the API envelope; failures throw <see cref="CloudflareApiException"/>, an
/// open circuit <see cref="CloudflareCircuitOpenException"/>. URLs are returned exactly as Cloudflare (or
/// the emulator) sends them — an emulator's <c>rtmp://</c> ingest URL stays <c>rtmp://</c>.
/// </summary>
public sealed partial class CloudflareStreamClient
{
    private readonly CloudflareStreamOptions options;
    private readonly CloudflareHttp http;
    private readonly ILogger logger;

    public CloudflareStreamClient(
        HttpClient httpClient, IOptions<CloudflareStreamOptions> options, IOptionsMonitor<ProviderResilienceOptions> resilience,
        ILogger<CloudflareStreamClient> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resilience);
        this.options = options.Value;
        this.logger = logger;
        http = new CloudflareHttp(httpClient, logger, time, resilience.Get(CloudflareServiceCollectionExtensions.ProviderName).BreakerBreakDuration);
    }

    /// <summary>The HLS manifest of a live input (its current broadcast) or a video: <c>&lt;playback base&gt;/&lt;uid&gt;/manifest/video.m3u8</c>.</summary>
    public Uri HlsPlaybackUrl(string uid) =>
        new($"{options.PlaybackBaseUrl.TrimEnd('/')}/{CloudflareHttp.Segment(RequireUid(uid, nameof(uid)))}/manifest/video.m3u8", UriKind.Absolute);

    // ---- Live inputs ----

    /// <summary>
    /// <c>POST /live_inputs</c>. Not idempotent and Cloudflare offers no idempotency key, so it is retried
    /// only when Cloudflare cannot have acted on it (429, connection never made) — never after a 5xx or a
    /// timeout, which could leave a second input; the caller decides (e.g. fall back, or look the input up by meta).
    /// </summary>
    public async Task<LiveInput> CreateLiveInputAsync(LiveInputRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request);
        var input = await http.SendAsync("live-inputs.create", HttpMethod.Post, $"{Prefix}/live_inputs",
            ProviderJson.Content(request, CloudflareJsonContext.Default.LiveInputRequest), CloudflareJsonContext.Default.LiveInput,
            cancellationToken, retryOnlyIfUnprocessed: true).ConfigureAwait(false);
        LogLiveInputCreated(logger, input.Uid, input.Name, input.Recording?.Mode);
        return input;
    }

    /// <summary><c>GET /live_inputs/{uid}</c>: settings, ingest credentials and <see cref="LiveInput.State"/>.</summary>
    public Task<LiveInput> GetLiveInputAsync(string uid, CancellationToken cancellationToken = default) =>
        http.SendAsync("live-inputs.get", HttpMethod.Get, $"{Prefix}/live_inputs/{Uid(uid)}", null,
            CloudflareJsonContext.Default.LiveInput, cancellationToken);

    /// <summary><c>GET /live_inputs[?include_counts=]</c>: the result is an object <c>{liveInputs, range, total}</c>.</summary>
    public Task<LiveInputList> ListLiveInputsAsync(bool? includeCounts = null, CancellationToken cancellationToken = default) =>
        http.SendAsync("live-inputs.list", HttpMethod.Get,
            $"{Prefix}/live_inputs" + (includeCounts is { } counts ? $"?include_counts={(counts ? "true" : "false")}" : ""),
            null, CloudflareJsonContext.Default.LiveInputList, cancellationToken);

    /// <summary><c>PUT /live_inputs/{uid}</c> with the same body as create.</summary>
    public Task<LiveInput> UpdateLiveInputAsync(string uid, LiveInputRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request);
        return http.SendAsync("live-inputs.update", HttpMethod.Put, $"{Prefix}/live_inputs/{Uid(uid)}",
            ProviderJson.Content(request, CloudflareJsonContext.Default.LiveInputRequest), CloudflareJsonContext.Default.LiveInput, cancellationToken);
    }

    /// <summary><c>DELETE /live_inputs/{uid}</c>; 404 (<see cref="ProviderApiException.IsNotFound"/>) if it is already gone.</summary>
    public async Task DeleteLiveInputAsync(string uid, CancellationToken cancellationToken = default)
    {
        await http.SendAsync<object>("live-inputs.delete", HttpMethod.Delete, $"{Prefix}/live_inputs/{Uid(uid)}", null, null, cancellationToken)
            .ConfigureAwait(false);
        LogLiveInputDeleted(logger, uid);
    }

    /// <summary><c>POST /live_inputs/{uid}/enable</c>: accept connections again.</summary>
    public Task EnableLiveInputAsync(string uid, CancellationToken cancellationToken = default) =>
        http.SendAsync<object>("live-inputs.enable", HttpMethod.Post, $"{Prefix}/live_inputs/{Uid(uid)}/enable", null, null, cancellationToken);

    /// <summary><c>POST /live_inputs/{uid}/disable</c>: refuse connections and end a running broadcast.</summary>
    public Task DisableLiveInputAsync(string uid, CancellationToken cancellationToken = default) =>
        http.SendAsync<object>("live-inputs.disable", HttpMethod.Post, $"{Prefix}/live_inputs/{Uid(uid)}/disable", null, null, cancellationToken);

    // ---- Outputs (simulcast) ----

    /// <summary>
    /// <c>POST /live_inputs/{uid}/outputs</c>. Retried only when Cloudflare cannot have acted on it: a
    /// duplicate output would push the broadcast twice to the same destination.
    /// </summary>
    public Task<LiveInputOutput> CreateOutputAsync(string liveInputUid, LiveInputOutputRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("rtmp" or "rtmps" or "srt"))
        {
            throw new ArgumentException("Url must be an absolute rtmp://, rtmps:// or srt:// URL.", nameof(request));
        }

        if (string.IsNullOrEmpty(request.StreamKey))
        {
            throw new ArgumentException("StreamKey is required.", nameof(request));
        }

        return http.SendAsync("outputs.create", HttpMethod.Post, $"{Prefix}/live_inputs/{Uid(liveInputUid, nameof(liveInputUid))}/outputs",
            ProviderJson.Content(request, CloudflareJsonContext.Default.LiveInputOutputRequest), CloudflareJsonContext.Default.LiveInputOutput,
            cancellationToken, retryOnlyIfUnprocessed: true);
    }

    /// <summary><c>GET /live_inputs/{uid}/outputs</c>.</summary>
    public Task<IReadOnlyList<LiveInputOutput>> ListOutputsAsync(string liveInputUid, CancellationToken cancellationToken = default) =>
        http.SendAsync("outputs.list", HttpMethod.Get, $"{Prefix}/live_inputs/{Uid(liveInputUid, nameof(liveInputUid))}/outputs", null,
            CloudflareJsonContext.Default.IReadOnlyListLiveInputOutput, cancellationToken);

    /// <summary><c>PUT /live_inputs/{uid}/outputs/{output}</c> (only <c>enabled</c> can change).</summary>
    public Task<LiveInputOutput> UpdateOutputAsync(string liveInputUid, string outputUid, bool enabled, CancellationToken cancellationToken = default) =>
        http.SendAsync("outputs.update", HttpMethod.Put,
            $"{Prefix}/live_inputs/{Uid(liveInputUid, nameof(liveInputUid))}/outputs/{Uid(outputUid, nameof(outputUid))}",
            ProviderJson.Content(new LiveInputOutputUpdate(enabled), CloudflareJsonContext.Default.LiveInputOutputUpdate),
            CloudflareJsonContext.Default.LiveInputOutput, cancellationToken);

    /// <summary><c>DELETE /live_inputs/{uid}/outputs/{output}</c>.</summary>
    public Task DeleteOutputAsync(string liveInputUid, string outputUid, CancellationToken cancellationToken = default) =>
        http.SendAsync<object>("outputs.delete", HttpMethod.Delete,
            $"{Prefix}/live_inputs/{Uid(liveInputUid, nameof(liveInputUid))}/outputs/{Uid(outputUid, nameof(outputUid))}",
            null, null, cancellationToken);

    // ---- Videos ----

    /// <summary><c>GET /stream?live_input_id={uid}</c> (the OpenAPI way to find an input's videos).</summary>
    public Task<IReadOnlyList<StreamVideo>> ListVideosByLiveInputAsync(string liveInputUid, CancellationToken cancellationToken = default) =>
        http.SendAsync("videos.list", HttpMethod.Get, $"{Prefix}?live_input_id={Uid(liveInputUid, nameof(liveInputUid))}", null,
            CloudflareJsonContext.Default.IReadOnlyListStreamVideo, cancellationToken);

    /// <summary><c>GET /live_inputs/{uid}/videos</c> (the docs' way; the current broadcast has state <c>live-inprogress</c>).</summary>
    public Task<IReadOnlyList<StreamVideo>> ListLiveInputVideosAsync(string liveInputUid, CancellationToken cancellationToken = default) =>
        http.SendAsync("live-inputs.videos", HttpMethod.Get, $"{Prefix}/live_inputs/{Uid(liveInputUid, nameof(liveInputUid))}/videos", null,
            CloudflareJsonContext.Default.IReadOnlyListStreamVideo, cancellationToken);

    /// <summary><c>GET /stream/{videoUid}</c>.</summary>
    public Task<StreamVideo> GetVideoAsync(string videoUid, CancellationToken cancellationToken = default) =>
        http.SendAsync("videos.get", HttpMethod.Get, $"{Prefix}/{Uid(videoUid, nameof(videoUid))}", null,
            CloudflareJsonContext.Default.StreamVideo, cancellationToken);

    // ---- Stream webhook (one per account; an operator step, see docs/providers.md) ----

    /// <summary><c>PUT /stream/webhook</c>: replaces the account's webhook; the result carries the signing <c>secret</c>.</summary>
    public Task<StreamWebhook> SetWebhookAsync(string notificationUrl, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(notificationUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"notificationUrl must be an absolute http(s) URL (got '{notificationUrl}').", nameof(notificationUrl));
        }

        return http.SendAsync("webhook.set", HttpMethod.Put, $"{Prefix}/webhook",
            ProviderJson.Content(new StreamWebhookRequest(notificationUrl), CloudflareJsonContext.Default.StreamWebhookRequest),
            CloudflareJsonContext.Default.StreamWebhook, cancellationToken);
    }

    /// <summary><c>GET /stream/webhook</c>.</summary>
    public Task<StreamWebhook> GetWebhookAsync(CancellationToken cancellationToken = default) =>
        http.SendAsync("webhook.get", HttpMethod.Get, $"{Prefix}/webhook", null, CloudflareJsonContext.Default.StreamWebhook, cancellationToken);

    /// <summary><c>DELETE /stream/webhook</c>.</summary>
    public Task DeleteWebhookAsync(CancellationToken cancellationToken = default) =>
        http.SendAsync<object>("webhook.delete", HttpMethod.Delete, $"{Prefix}/webhook", null, null, cancellationToken);

    private string Prefix => $"accounts/{CloudflareHttp.Segment(options.AccountId)}/stream";

    private static string Uid(string uid, string name = "uid") => CloudflareHttp.Segment(RequireUid(uid, name));

    private static string RequireUid(string uid, string name) =>
        string.IsNullOrWhiteSpace(uid) ? throw new ArgumentException($"{name} is required.", name) : uid;

    private static void Validate(LiveInputRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.DeleteRecordingAfterDays is < 30)
        {
            throw new ArgumentException($"DeleteRecordingAfterDays must be at least 30 (got {request.DeleteRecordingAfterDays}).", nameof(request));
        }

        if (request.Recording?.Mode is { } mode && mode is not ("off" or "automatic"))
        {
            throw new ArgumentException($"Recording.Mode must be \"off\" or \"automatic\" (got '{mode}').", nameof(request));
        }

        if (request.Recording?.TimeoutSeconds is < 0)
        {
            throw new ArgumentException("Recording.TimeoutSeconds must not be negative.", nameof(request));
        }

        if (request.PreferLowLatency == true && request.Recording?.Mode != "automatic")
        {
            throw new ArgumentException("PreferLowLatency needs Recording.Mode = \"automatic\".", nameof(request));
        }
    }

    [LoggerMessage(EventId = 9310, Level = LogLevel.Information,
        Message = "Cloudflare live input {LiveInputUid} ({Name}) created, recording mode {RecordingMode}")]
    private static partial void LogLiveInputCreated(ILogger logger, string liveInputUid, string? name, string? recordingMode);

    [LoggerMessage(EventId = 9311, Level = LogLevel.Information, Message = "Cloudflare live input {LiveInputUid} deleted")]
    private static partial void LogLiveInputDeleted(ILogger logger, string liveInputUid);
}
