using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Agora;

/// <summary>
/// Agora Cloud Recording REST client (<c>/v1/apps/{appid}/cloud_recording/…</c>, Basic auth).
/// Lifecycle: <see cref="AcquireAsync"/> → <see cref="StartAsync"/> within seconds (a resourceId lives
/// 5 minutes, one session) → <see cref="QueryAsync"/> → <see cref="StopAsync"/>. Failures throw
/// <see cref="AgoraApiException"/>; an open circuit throws <see cref="AgoraCircuitOpenException"/>.
/// </summary>
public sealed partial class CloudRecordingClient
{
    /// <summary>The recorder cannot renew its token, so it must outlive the recording.</summary>
    public static readonly TimeSpan RecorderTokenLifetime = TimeSpan.FromHours(24);

    /// <summary>A synchronous stop waits for the upload for up to 20 s (agora.md §2.3): one attempt may take that long.</summary>
    public static readonly TimeSpan SynchronousStopAttemptTimeout = TimeSpan.FromSeconds(30);

    private readonly AgoraOptions options;
    private readonly RtcTokenBuilder tokens;
    private readonly AgoraHttp http;
    private readonly ILogger logger;

    public CloudRecordingClient(
        HttpClient httpClient, IOptions<AgoraOptions> options, IOptionsMonitor<ProviderResilienceOptions> resilience,
        RtcTokenBuilder tokens, ILogger<CloudRecordingClient> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resilience);
        http = new AgoraHttp(httpClient, logger, time, resilience.Get(AgoraServiceCollectionExtensions.ProviderName).BreakerBreakDuration);
        this.logger = logger;
        this.options = options.Value;
        this.tokens = tokens;
    }

    /// <summary><c>POST …/acquire</c>: a resourceId for one recording of <paramref name="channelName"/> by <paramref name="recorderUid"/>.</summary>
    /// <remarks>Retried on 5xx/429/62/65: a lost resourceId simply expires after 5 minutes.</remarks>
    public async Task<AcquireResponse> AcquireAsync(
        string channelName, uint recorderUid, AcquireClientRequest? clientRequest = null, CancellationToken cancellationToken = default)
    {
        var uid = RecorderUid(recorderUid);
        RequireChannel(channelName);
        var body = new AcquireRequest(channelName, uid, clientRequest ?? new AcquireClientRequest());
        var response = await http.SendAsync("cloud-recording.acquire", HttpMethod.Post, $"{Prefix}/acquire",
            ProviderJson.Content(body, AgoraJsonContext.Default.AcquireRequest), AgoraJsonContext.Default.AcquireResponse, cancellationToken).ConfigureAwait(false);
        LogAcquired(logger, channelName, uid, response.ResourceId);
        return response;
    }

    /// <summary>
    /// The start <c>clientRequest</c> this client sends when none is given: a recorder token for
    /// (<paramref name="channelName"/>, <paramref name="recorderUid"/>) valid <see cref="RecorderTokenLifetime"/>,
    /// a live-profile recording of every stream (mix: 720×1280, 15 fps, 1500 kbps, HLS + MP4), and the
    /// configured storage. Adjust it with <c>with</c> and pass it to <see cref="StartAsync"/>.
    /// </summary>
    public StartClientRequest CreateStartClientRequest(
        string channelName, uint recorderUid, IReadOnlyList<string>? fileNamePrefix = null, string? mode = null)
    {
        RequireChannel(channelName);
        var recordingMode = Mode(mode);
        if (recordingMode == "web")
        {
            throw new ArgumentException("Web-page recording needs an explicit clientRequest (extensionServiceConfig); pass one to StartAsync.", nameof(mode));
        }

        var mix = recordingMode == "mix";
        return new StartClientRequest
        {
            Token = tokens.BuildTokenWithUid(options.AppId, options.AppCertificate, channelName, recorderUid, RtcRole.Subscriber,
                RecorderTokenLifetime, RecorderTokenLifetime),
            RecordingConfig = new RecordingConfig
            {
                ChannelType = 1,
                StreamTypes = 2,
                MaxIdleTime = 30,
                VideoStreamType = 0,
                SubscribeAudioUids = ["#allstream#"],
                SubscribeVideoUids = ["#allstream#"],
                AudioProfile = mix ? 0 : null,
                TranscodingConfig = mix
                    ? new TranscodingConfig { Width = 720, Height = 1280, Fps = 15, Bitrate = 1500, MixedVideoLayout = 1 }
                    : null,
            },
            RecordingFileConfig = new RecordingFileConfig { AvFileType = mix ? ["hls", "mp4"] : ["hls"] },
            StorageConfig = CreateStorageConfig(fileNamePrefix),
        };
    }

    /// <summary>
    /// <c>POST …/resourceid/{resourceId}/mode/{mode}/start</c> (mode: the configured one unless given).
    /// Retried with the same parameters on code 65/62, 5xx and 429 as Agora documents. Code 7
    /// (<see cref="AgoraErrorCodes.AlreadyStarted"/>) means an earlier attempt already started it.
    /// </summary>
    public async Task<StartResponse> StartAsync(
        string resourceId, string channelName, uint recorderUid, StartClientRequest? clientRequest = null, string? mode = null,
        CancellationToken cancellationToken = default)
    {
        RequireId(resourceId, nameof(resourceId));
        RequireChannel(channelName);
        var recordingMode = Mode(mode);
        var body = new StartRequest(channelName, RecorderUid(recorderUid), clientRequest ?? CreateStartClientRequest(channelName, recorderUid, mode: recordingMode));
        var response = await http.SendAsync("cloud-recording.start", HttpMethod.Post,
            $"{Prefix}/resourceid/{AgoraHttp.Segment(resourceId)}/mode/{recordingMode}/start",
            ProviderJson.Content(body, AgoraJsonContext.Default.StartRequest), AgoraJsonContext.Default.StartResponse, cancellationToken).ConfigureAwait(false);
        LogStarted(logger, channelName, body.Uid, recordingMode, response.ResourceId, response.Sid);
        return response;
    }

    /// <summary><c>GET …/resourceid/{resourceId}/sid/{sid}/mode/{mode}/query</c>: the task's status and files.</summary>
    public Task<CloudRecordingStatus> QueryAsync(string resourceId, string sid, string? mode = null, CancellationToken cancellationToken = default)
    {
        RequireId(resourceId, nameof(resourceId));
        RequireId(sid, nameof(sid));
        return http.SendAsync("cloud-recording.query", HttpMethod.Get,
            $"{Prefix}/resourceid/{AgoraHttp.Segment(resourceId)}/sid/{AgoraHttp.Segment(sid)}/mode/{Mode(mode)}/query",
            null, AgoraJsonContext.Default.CloudRecordingStatus, cancellationToken);
    }

    /// <summary>
    /// <c>POST …/resourceid/{resourceId}/sid/{sid}/mode/{mode}/stop</c>. Synchronous by default (waits for the
    /// upload; the attempt timeout is raised to <see cref="SynchronousStopAttemptTimeout"/>). A second stop
    /// answers code 49, a task that is gone 404, a recording nobody published to code 435.
    /// </summary>
    public async Task<CloudRecordingStatus> StopAsync(
        string resourceId, string sid, string channelName, uint recorderUid, bool asyncStop = false, string? mode = null,
        CancellationToken cancellationToken = default)
    {
        RequireId(resourceId, nameof(resourceId));
        RequireId(sid, nameof(sid));
        RequireChannel(channelName);
        var body = new StopRequest(channelName, RecorderUid(recorderUid), new StopClientRequest(asyncStop));
        var response = await http.SendAsync("cloud-recording.stop", HttpMethod.Post,
            $"{Prefix}/resourceid/{AgoraHttp.Segment(resourceId)}/sid/{AgoraHttp.Segment(sid)}/mode/{Mode(mode)}/stop",
            ProviderJson.Content(body, AgoraJsonContext.Default.StopRequest), AgoraJsonContext.Default.CloudRecordingStatus, cancellationToken,
            request =>
            {
                if (!asyncStop)
                {
                    request.Options.Set(ProviderResilience.AttemptTimeoutKey, SynchronousStopAttemptTimeout);
                }
            }).ConfigureAwait(false);
        LogStopped(logger, channelName, body.Uid, response.Sid, response.ServerResponse?.UploadingStatus);
        return response;
    }

    private string Prefix => $"v1/apps/{AgoraHttp.Segment(options.AppId)}/cloud_recording";

    private StorageConfig CreateStorageConfig(IReadOnlyList<string>? fileNamePrefix)
    {
        if (!options.HasRecordingStorage)
        {
            throw new InvalidOperationException(
                "Cloud Recording storage is not configured: set AGORA_RECORDING_STORAGE_VENDOR, _REGION, _BUCKET, _ACCESS_KEY and _SECRET_KEY, " +
                "or pass a clientRequest with a storageConfig.");
        }

        if (fileNamePrefix is not null)
        {
            foreach (var segment in fileNamePrefix)
            {
                if (segment.Length == 0 || !segment.All(char.IsAsciiLetterOrDigit))
                {
                    throw new ArgumentException($"fileNamePrefix segments must be non-empty and alphanumeric (got '{segment}').", nameof(fileNamePrefix));
                }
            }

            if (fileNamePrefix.Sum(s => s.Length + 1) > 128)
            {
                throw new ArgumentException("fileNamePrefix must not exceed 128 characters in all.", nameof(fileNamePrefix));
            }
        }

        return new StorageConfig
        {
            Vendor = options.StorageVendorNumber,
            Region = options.StorageRegionNumber,
            Bucket = options.RecordingStorageBucket!,
            AccessKey = options.RecordingStorageAccessKey!,
            SecretKey = options.RecordingStorageSecretKey!,
            FileNamePrefix = fileNamePrefix is { Count: > 0 } ? fileNamePrefix : null,
            ExtensionParams = string.IsNullOrWhiteSpace(options.RecordingStorageEndpoint)
                ? null
                : new StorageExtensionParams { Endpoint = options.RecordingStorageEndpoint },
        };
    }

    private string Mode(string? mode)
    {
        var value = (mode ?? options.RecordingMode).ToLowerInvariant();
        return AgoraOptions.RecordingModes.Contains(value)
            ? value
            : throw new ArgumentException($"mode must be one of {string.Join(", ", AgoraOptions.RecordingModes)} (got '{mode}').", nameof(mode));
    }

    private static string RecorderUid(uint uid) => uid != 0
        ? uid.ToString(CultureInfo.InvariantCulture)
        : throw new ArgumentOutOfRangeException(nameof(uid), uid, "The recorder uid must be between 1 and 4294967295 (0 is not allowed).");

    private static void RequireChannel(string channelName)
    {
        if (string.IsNullOrWhiteSpace(channelName) || channelName.Length > 64)
        {
            throw new ArgumentException("channelName must be 1–64 characters.", nameof(channelName));
        }
    }

    private static void RequireId(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required.", name);
        }
    }

    [LoggerMessage(EventId = 9210, Level = LogLevel.Information,
        Message = "Agora Cloud Recording resource acquired for channel {Channel}, recorder uid {Uid}: resource {ResourceId}")]
    private static partial void LogAcquired(ILogger logger, string channel, string uid, string resourceId);

    [LoggerMessage(EventId = 9211, Level = LogLevel.Information,
        Message = "Agora Cloud Recording started for channel {Channel}, recorder uid {Uid}, mode {Mode}: resource {ResourceId}, sid {Sid}")]
    private static partial void LogStarted(ILogger logger, string channel, string uid, string mode, string resourceId, string sid);

    [LoggerMessage(EventId = 9212, Level = LogLevel.Information,
        Message = "Agora Cloud Recording stopped for channel {Channel}, recorder uid {Uid}: sid {Sid}, upload {UploadingStatus}")]
    private static partial void LogStopped(ILogger logger, string channel, string uid, string sid, string? uploadingStatus);
}
