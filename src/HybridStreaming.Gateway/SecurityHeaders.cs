using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Gateway;

/// <summary>
/// Security headers on every response of the gateway — its own endpoints', the proxied services', errors
/// and preflights alike — so a page served through the edge cannot be framed, sniffed into another type or
/// made to run scripts from anywhere but our own origin. The Content-Security-Policy lets the apps reach
/// what live shopping needs: HLS playback from Cloudflare Stream (<c>CLOUDFLARE_STREAM_PLAYBACK_BASE_URL</c>'s
/// origin; hls.js also needs <c>blob:</c> for media and workers), Agora's Web SDK, and any origin listed in
/// <c>CSP_EXTRA_ORIGINS</c>. The values are built once at start-up; only the Scalar page (Development) gets
/// a per-request nonce for its scripts. No Strict-Transport-Security: locally the gateway speaks plain HTTP
/// on loopback, and in production TLS terminates at the load balancer, which sets HSTS.
/// </summary>
internal static partial class SecurityHeaders
{
    public const string PlaybackBaseUrlKey = "CLOUDFLARE_STREAM_PLAYBACK_BASE_URL";
    public const string ExtraOriginsKey = "CSP_EXTRA_ORIGINS";

    /// <summary>Cloudflare Stream's playback hosts (<c>customer-&lt;code&gt;.cloudflarestream.com</c>), when the exact one is not configured.</summary>
    public const string DefaultPlaybackOrigin = "https://*.cloudflarestream.com";

    /// <summary>
    /// Where Agora's Web SDK connects, over HTTPS and secure WebSockets: the domains of Agora's firewall
    /// requirements for the Web SDK (https://docs.agora.io/en/introduction/firewall) — its gateways and
    /// edge servers (<c>*.agora.io</c>, <c>*.sd-rtn.com</c>), the SDP endpoints 4.24 asks first
    /// (<c>*.rtnsvc.com</c>, <c>*.rtesvc.com</c>), statistics and logs — on any port: edge servers take
    /// WebSockets on ports such as 4700–5000, and a host-source without a port allows the scheme's default port only.
    /// </summary>
    public static readonly IReadOnlyList<string> AgoraOrigins =
    [
        "https://*.agora.io:*", "wss://*.agora.io:*",
        "https://*.sd-rtn.com:*", "wss://*.sd-rtn.com:*",
        "https://*.rtnsvc.com:*", "wss://*.rtnsvc.com:*",
        "https://*.rtesvc.com:*", "wss://*.rtesvc.com:*",
    ];

    /// <summary>Reads and checks the settings (a start-up error names every bad value) and keeps the built headers.</summary>
    public static IHostApplicationBuilder AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(SecurityHeaderValues.Read(builder.Configuration));
        return builder;
    }

    /// <summary>
    /// Adds the headers just before each response starts (so they survive the exception handler clearing a
    /// response, and replace whatever a proxied service sent). Call it first, right after <c>Build()</c>.
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var values = app.Services.GetRequiredService<SecurityHeaderValues>();
        LogPolicy(app.Logger, values.ContentSecurityPolicy);
        Func<object, Task> apply = state =>
        {
            values.Apply((HttpContext)state);
            return Task.CompletedTask;
        };
        app.Use((context, next) =>
        {
            context.Response.OnStarting(apply, context);
            return next(context);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Content-Security-Policy of every response: {Policy}")]
    private static partial void LogPolicy(ILogger logger, string policy);
}

/// <summary>The header values of <see cref="SecurityHeaders"/>, built once from configuration.</summary>
internal sealed class SecurityHeaderValues
{
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";
    public const string CrossOriginOpenerPolicy = "same-origin";

    private const string ReferrerPolicyHeader = "Referrer-Policy";
    private const string CrossOriginOpenerPolicyHeader = "Cross-Origin-Opener-Policy";

    // The Scalar page's policy is this one with a nonce in script-src; split there once, so a request
    // only concatenates. Its styles are injected at run time, hence style-src 'unsafe-inline' there alone.
    private readonly string _beforeScriptNonce;
    private readonly string _afterScriptNonce;

    private SecurityHeaderValues(string? playbackOrigin, IReadOnlyList<string> extraOrigins)
    {
        PlaybackOrigin = playbackOrigin;
        // What connect-src, media-src and img-src allow besides our own origin.
        var sources = string.Join(' ', new[] { playbackOrigin ?? SecurityHeaders.DefaultPlaybackOrigin }.Concat(SecurityHeaders.AgoraOrigins).Concat(extraOrigins).Distinct(StringComparer.Ordinal));
        const string head = "default-src 'self'; script-src 'self'";
        string[] tail =
        [
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            $"connect-src 'self' {sources}",
            $"media-src 'self' {sources} blob:",
            $"img-src 'self' {sources}",
            "worker-src 'self' blob:",
        ];
        ContentSecurityPolicy = head + "; " + string.Join("; ", tail);
        _beforeScriptNonce = head + " 'nonce-";
        _afterScriptNonce = "'; " + string.Join("; ", [.. tail, "style-src 'self' 'unsafe-inline'"]);
    }

    public string ContentSecurityPolicy { get; }

    /// <summary>The origin of <c>CLOUDFLARE_STREAM_PLAYBACK_BASE_URL</c>; null when it is not set (the policy then allows any Cloudflare Stream host).</summary>
    public string? PlaybackOrigin { get; }

    public static SecurityHeaderValues Read(IConfiguration configuration)
    {
        var problems = new ConfigurationProblems("The gateway's Content-Security-Policy");
        string? playbackOrigin = null;
        if (configuration[SecurityHeaders.PlaybackBaseUrlKey] is { } playback && !string.IsNullOrWhiteSpace(playback))
        {
            if (EdgeOrigins.OriginOf(playback.Trim()) is { } origin)
            {
                playbackOrigin = origin;
            }
            else
            {
                problems.Add(SecurityHeaders.PlaybackBaseUrlKey, $"must be an absolute http:// or https:// URL (got '{playback}').");
            }
        }

        var invalid = new List<string>();
        var extra = EdgeOrigins.ParseList(configuration[SecurityHeaders.ExtraOriginsKey], EdgeOrigins.HttpAndWebSocketSchemes, allowWildcardHost: true, invalid);
        if (invalid.Count > 0)
        {
            problems.Add(SecurityHeaders.ExtraOriginsKey,
                "must be comma-separated origins, scheme://host[:port] with scheme http, https, ws or wss, no path "
                + $"(the host may start with *.); not origins: {string.Join(", ", invalid.Select(value => $"'{value}'"))}.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(problems.ToString());
        }

        return new SecurityHeaderValues(playbackOrigin, extra);
    }

    public void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = OpenApiExtensions.ScriptNonce(context) is { } nonce
            ? string.Concat(_beforeScriptNonce, nonce, _afterScriptNonce)
            : ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers[ReferrerPolicyHeader] = ReferrerPolicy;
        headers.XFrameOptions = "DENY";
        headers[CrossOriginOpenerPolicyHeader] = CrossOriginOpenerPolicy;
    }
}
