using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.AspNetCore.RateLimiting;

namespace HybridStreaming.Gateway;

/// <summary>
/// The edge's limits, from ASP.NET Core's rate limiter:
/// <list type="bullet">
/// <item><see cref="Control"/> — going live, stopping, RTC tokens, channel writes: <c>RATE_LIMIT_CONTROL_PER_WINDOW</c>
/// requests (100) per <c>RATE_LIMIT_CONTROL_WINDOW_SECONDS</c> (900) per client (the token's user, else the address);</item>
/// <item><see cref="Viewer"/> — playback, status, viewer counts, heartbeats, channel and cost reads:
/// <c>RATE_LIMIT_VIEWER_PER_SECOND</c> (1,000, bursts of twice that) per client address, enough for 2,000
/// buyers behind one NAT (a beat every 10 s plus reads);</item>
/// <item><see cref="Guest"/> — issuing guest tokens: <c>RATE_LIMIT_GUEST_PER_MINUTE</c> (60) per client address;</item>
/// <item>a global concurrency limit, <c>GATEWAY_MAX_CONCURRENT_REQUESTS</c> (1,000 in flight), which protects the
/// platform past its capacity: beyond it requests are turned away at once instead of queueing until they time out.</item>
/// </list>
/// Provider webhooks and the probes are exempt from all of them (a provider that is refused retries late or
/// never). Over a limit: 429 (503 for the global limit) with <c>Retry-After</c> and a ProblemDetails body.
/// </summary>
internal sealed class EdgeLimits
{
    public const string Control = "control";
    public const string Viewer = "viewer";
    public const string Guest = "guest";

    /// <summary>The YARP value for "no policy".</summary>
    public const string Disabled = "Disable";

    private const string RejectedBy = "edge-limit";

    private int _inFlight;

    public int ControlPermits { get; private init; } = 100;

    public TimeSpan ControlWindow { get; private init; } = TimeSpan.FromMinutes(15);

    public int ViewerPerSecond { get; private init; } = 1000;

    public int GuestPerMinute { get; private init; } = 60;

    public int MaxConcurrentRequests { get; private init; } = 1000;

    public static EdgeLimits From(IConfiguration configuration)
    {
        var problems = new ConfigurationProblems("The gateway's limits");
        var limits = new EdgeLimits
        {
            ControlPermits = problems.WholeNumber(configuration, "RATE_LIMIT_CONTROL_PER_WINDOW", 100, 1),
            ControlWindow = TimeSpan.FromSeconds(problems.WholeNumber(configuration, "RATE_LIMIT_CONTROL_WINDOW_SECONDS", 900, 1)),
            ViewerPerSecond = problems.WholeNumber(configuration, "RATE_LIMIT_VIEWER_PER_SECOND", 1000, 1),
            GuestPerMinute = problems.WholeNumber(configuration, "RATE_LIMIT_GUEST_PER_MINUTE", 60, 1),
            MaxConcurrentRequests = problems.WholeNumber(configuration, "GATEWAY_MAX_CONCURRENT_REQUESTS", 1000, 1),
        };
        if (configuration["GATEWAY_RATE_LIMIT_PER_SECOND"] is { Length: > 0 })
        {
            problems.Add("GATEWAY_RATE_LIMIT_PER_SECOND", "is no longer read: use RATE_LIMIT_CONTROL_PER_WINDOW, RATE_LIMIT_VIEWER_PER_SECOND, RATE_LIMIT_GUEST_PER_MINUTE and GATEWAY_MAX_CONCURRENT_REQUESTS (docs/runbook.md).");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(problems.ToString());
        }

        return limits;
    }

    public void Register(IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.AddPolicy(Control, context =>
        {
            context.Items[RejectedBy] = Control;
            return RateLimitPartition.GetSlidingWindowLimiter(UserOrAddress(context), _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = ControlPermits,
                Window = ControlWindow,
                SegmentsPerWindow = 15,
                QueueLimit = 0,
            });
        });

        limiter.AddPolicy(Viewer, context =>
        {
            context.Items[RejectedBy] = Viewer;
            return RateLimitPartition.GetTokenBucketLimiter(Address(context), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = ViewerPerSecond * 2,
                TokensPerPeriod = ViewerPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            });
        });

        limiter.AddPolicy(Guest, context =>
        {
            context.Items[RejectedBy] = Guest;
            return RateLimitPartition.GetFixedWindowLimiter(Address(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = GuestPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });

        limiter.OnRejected = RejectAsync;
    });

    /// <summary>
    /// The global limit, ahead of everything else (authentication included): a counter, not a limiter of
    /// the rate limiting middleware, whose partitioned limiters take shared locks on every request.
    /// </summary>
    public async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        if (IsExempt(context.Request.Path))
        {
            await next(context);
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > MaxConcurrentRequests)
        {
            Interlocked.Decrement(ref _inFlight);
            await RejectAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "The platform is at capacity.",
                $"More than {MaxConcurrentRequests} requests are in progress; try again shortly.",
                1);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero
            ? after
            : TimeSpan.FromSeconds(1);
        var (title, detail) = context.Items[RejectedBy] switch
        {
            Control => ("Too many control requests.",
                $"At most {ControlPermits} control requests (go live, stop, tokens, channel changes) per {ControlWindow.TotalMinutes:0} minutes per client."),
            Guest => ("Too many guest tokens requested.",
                $"At most {GuestPerMinute} guest tokens per minute per client address; keep and renew the one you have."),
            _ => ("Too many viewer requests.",
                $"At most {ViewerPerSecond} viewer requests per second per client address."),
        };
        return new ValueTask(RejectAsync(context, StatusCodes.Status429TooManyRequests, title, detail, (int)Math.Ceiling(retryAfter.TotalSeconds)));
    }

    private static async Task RejectAsync(HttpContext context, int status, string title, string detail, int retryAfterSeconds)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = $"{detail} Retry after {retryAfterSeconds} s.",
                Extensions = { ["retryAfterSeconds"] = retryAfterSeconds },
            },
        });
    }

    /// <summary>
    /// Provider webhooks (signed, retried by the provider) and the probes are never limited, nor is
    /// <c>/api/health</c> (one shared answer every 2 s): a status page must still answer when the platform is at capacity.
    /// </summary>
    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments("/api/webhooks") || path.StartsWithSegments("/api/health") || Microsoft.Extensions.Hosting.Extensions.IsInfrastructureEndpoint(path);

    private static string UserOrAddress(HttpContext context) =>
        context.User.FindFirstValue(JwtAuthentication.SubjectClaim) is { } user ? "user:" + user : Address(context);

    private static string Address(HttpContext context) => "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
}
