using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HybridStreaming.Emulators.Common;

namespace HybridStreaming.Emulators.Agora.Api;

/// <summary>HTTP Basic authentication with the customer id and secret, as Agora's REST gateway checks it.</summary>
public sealed class BasicAuthFilter(AgoraSettings settings) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return AgoraErrors.Message(StatusCodes.Status401Unauthorized, "Unauthorized");
        }

        byte[] given;
        try
        {
            given = Convert.FromBase64String(header[6..].Trim());
        }
        catch (FormatException)
        {
            return AgoraErrors.Message(StatusCodes.Status401Unauthorized, "Invalid authentication credentials");
        }

        var expected = Encoding.UTF8.GetBytes($"{settings.CustomerId}:{settings.CustomerSecret}");
        return CryptographicOperations.FixedTimeEquals(given, expected)
            ? await next(context)
            : AgoraErrors.Message(StatusCodes.Status401Unauthorized, "Invalid authentication credentials");
    }
}

/// <summary>
/// Strict mode's request quotas: at most <paramref name="perSecond"/> calls a second per App ID
/// (Cloud Recording: 10 QPS; Media Push: 50/s), else 429 "API rate limit exceeded".
/// </summary>
public sealed class QpsLimitFilter(EmulatorOptions options, TimeProvider time, int perSecond, string scope) : IEndpointFilter
{
    private static readonly ConcurrentDictionary<string, Queue<long>> Windows = new(StringComparer.Ordinal);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (options.Strict)
        {
            var appId = (context.HttpContext.Request.RouteValues["appid"] ?? context.HttpContext.Request.RouteValues["appId"]) as string ?? "";
            var window = Windows.GetOrAdd(scope + "/" + appId, _ => new Queue<long>());
            var now = time.GetTimestamp();
            lock (window)
            {
                while (window.Count > 0 && time.GetElapsedTime(window.Peek(), now) >= TimeSpan.FromSeconds(1))
                {
                    window.Dequeue();
                }

                if (window.Count >= perSecond)
                {
                    return AgoraErrors.RateLimited();
                }

                window.Enqueue(now);
            }
        }

        return await next(context);
    }
}
