using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using HybridStreaming.Emulators.Common.Faults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Webhooks;

/// <summary>What is sent on one attempt: the raw body and its headers (signatures are computed per attempt, over that body).</summary>
public sealed record WebhookPayload(byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>One webhook to deliver; <see cref="Render"/> is called for every attempt (attempt 1 = first send).</summary>
public sealed record WebhookMessage(string Kind, string Event, Uri? Url, Func<int, WebhookPayload> Render);

/// <summary>What became of one delivery (for <c>GET /__emulator/webhooks</c>).</summary>
public sealed class WebhookDelivery
{
    private readonly List<JsonObject> _attempts = [];

    public required long Number { get; init; }

    public required WebhookMessage Message { get; init; }

    public bool IsDuplicate { get; init; }

    public string State { get; set; } = "pending";

    public string? LastBody { get; set; }

    public void AddAttempt(int? status, string? error)
    {
        lock (_attempts)
        {
            _attempts.Add(new JsonObject { ["at"] = Ids.Rfc3339(DateTimeOffset.UtcNow), ["status"] = status, ["error"] = error });
        }
    }

    public JsonObject ToJson()
    {
        lock (_attempts)
        {
            return new JsonObject
            {
                ["number"] = Number,
                ["kind"] = Message.Kind,
                ["event"] = Message.Event,
                ["url"] = Message.Url?.ToString(),
                ["state"] = State,
                ["duplicate"] = IsDuplicate,
                ["attempts"] = new JsonArray([.. _attempts.Select(a => (JsonNode)a.DeepClone())]),
                ["body"] = LastBody,
            };
        }
    }
}

/// <summary>
/// Delivers webhooks in the order they happen, as a provider would: POST, 2xx = delivered, anything
/// else (or no answer within 10 s) is retried up to <see cref="EmulatorOptions.WebhookRetries"/> times
/// with growing delays, without holding up later deliveries. Webhook faults drop, duplicate or
/// reorder deliveries. A receiver that is not there yet (404 before its endpoint exists) is tolerated
/// quietly: the outcome is in the delivery log, not an error in the emulator's log.
/// </summary>
public sealed class WebhookDispatcher(EmulatorOptions options, FaultStore faults, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int LogSize = 1000;
    private readonly Channel<WebhookDelivery> _queue = Channel.CreateUnbounded<WebhookDelivery>();
    private readonly ConcurrentQueue<WebhookDelivery> _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentDictionary<Task, bool> _retries = new();
    private readonly ConcurrentDictionary<string, bool> _reportedUrls = new(StringComparer.Ordinal);
    private WebhookDelivery? _held;
    private long _number;

    public IReadOnlyList<WebhookDelivery> Deliveries => [.. _log];

    public void Clear() => _log.Clear();

    public void Enqueue(WebhookMessage message)
    {
        var delivery = new WebhookDelivery { Number = Interlocked.Increment(ref _number), Message = message };
        Remember(delivery);
        _queue.Writer.TryWrite(delivery);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            WebhookDelivery delivery;
            try
            {
                // A held (reordered) delivery goes out after the next one, or when its hold time is up.
                var hold = _held is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(HoldMs);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(hold);
                delivery = await _queue.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                await ReleaseHeldAsync(stoppingToken);
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await ProcessAsync(delivery, stoppingToken);
        }

        await Task.WhenAll(_retries.Keys).WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private int HoldMs { get; set; } = 5000;

    private async Task ProcessAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        if (delivery.Message.Url is null)
        {
            delivery.State = "not-configured";
            return;
        }

        var fault = faults.ForWebhook(delivery.Message.Event);
        switch (fault?.WebhookAction)
        {
            case WebhookFaultAction.Drop:
                delivery.State = "dropped";
                logger.LogInformation("Fault {FaultId}: webhook {Event} dropped", fault.Id, delivery.Message.Event);
                return;
            case WebhookFaultAction.Reorder when _held is null:
                delivery.State = "held";
                HoldMs = fault.HoldMs;
                _held = delivery;
                return;
            default:
                await SendAsync(delivery, stoppingToken);
                await ReleaseHeldAsync(stoppingToken);
                if (fault?.WebhookAction == WebhookFaultAction.Duplicate)
                {
                    var duplicate = new WebhookDelivery { Number = Interlocked.Increment(ref _number), Message = delivery.Message, IsDuplicate = true };
                    Remember(duplicate);
                    await SendAsync(duplicate, stoppingToken);
                }

                return;
        }
    }

    private async Task ReleaseHeldAsync(CancellationToken stoppingToken)
    {
        if (_held is { } held)
        {
            _held = null;
            await SendAsync(held, stoppingToken);
        }
    }

    private async Task SendAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        if (await AttemptAsync(delivery, 1, stoppingToken))
        {
            return;
        }

        // Retries run on their own so a failing receiver does not delay the deliveries that follow.
        var retry = RetryAsync(delivery, stoppingToken);
        _retries[retry] = true;
        _ = retry.ContinueWith(t => _retries.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task RetryAsync(WebhookDelivery delivery, CancellationToken stoppingToken)
    {
        var delay = options.WebhookRetryDelay;
        for (var retry = 1; retry <= options.WebhookRetries; retry++)
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await AttemptAsync(delivery, retry + 1, stoppingToken))
            {
                return;
            }

            delay *= 2;
        }

        delivery.State = "failed";
        // Once per receiver: until the gateway has its webhook endpoints every delivery fails, and that is expected.
        var level = _reportedUrls.TryAdd(delivery.Message.Url!.ToString(), true) ? LogLevel.Information : LogLevel.Debug;
        logger.Log(level,
            "Webhook {Event} to {Url} not delivered after {Attempts} attempts; further failures to this URL are logged at Debug (all are listed at GET /__emulator/webhooks)",
            delivery.Message.Event, delivery.Message.Url, options.WebhookRetries + 1);
    }

    private async Task<bool> AttemptAsync(WebhookDelivery delivery, int attempt, CancellationToken stoppingToken)
    {
        var payload = delivery.Message.Render(attempt);
        delivery.LastBody = System.Text.Encoding.UTF8.GetString(payload.Body);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Message.Url)
        {
            Content = new ByteArrayContent(payload.Body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in payload.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _http.SendAsync(request, stoppingToken);
            var status = (int)response.StatusCode;
            delivery.AddAttempt(status, null);
            if (response.IsSuccessStatusCode)
            {
                delivery.State = "delivered";
                return true;
            }

            logger.LogDebug("Webhook {Event} attempt {Attempt} answered {Status}", delivery.Message.Event, attempt, status);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            delivery.AddAttempt(null, exception is TaskCanceledException ? "timeout" : exception.Message);
            logger.LogDebug("Webhook {Event} attempt {Attempt} failed: {Error}", delivery.Message.Event, attempt, exception.Message);
        }

        delivery.State = "retrying";
        return false;
    }

    private void Remember(WebhookDelivery delivery)
    {
        _log.Enqueue(delivery);
        while (_log.Count > LogSize && _log.TryDequeue(out _))
        {
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
