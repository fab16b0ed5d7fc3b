using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace HybridStreaming.Gateway;

/// <summary>What a page's scripts need to know about this deployment, in the page itself (<c>#hs-config</c>).</summary>
/// <param name="PlaybackOrigin">Where HLS playback comes from (<c>CLOUDFLARE_STREAM_PLAYBACK_BASE_URL</c>'s origin), null when not configured.</param>
/// <param name="DevSignIn">Whether <c>POST /api/dev/token</c> exists (<see cref="DevTokenApi"/>).</param>
/// <param name="SellerMedia"><c>emulator</c> when the studio publishes through <c>/api/dev/seller-stream</c> (<see cref="DevSellerStreamApi"/>), else <c>agora</c> (the Agora Web SDK).</param>
public sealed record PageConfig(string? PlaybackOrigin, bool DevSignIn, string SellerMedia);

/// <summary>
/// The web pages, from the web root that src/HybridStreaming.Web's build writes (<c>wwwroot/</c>, next to
/// the project; in the container next to the assembly):
/// <list type="bullet">
/// <item><c>GET /</c> the channel list, <c>GET /watch/{channelId}</c> the buyer's player, <c>GET /studio</c> the
/// seller's studio, <c>GET /costs</c> what streams cost (sellers and admins; its data comes from
/// <c>/api/costs/**</c> with the signed-in account's token): read once at start-up, with <c>&lt;!--hs:head--&gt;</c> replaced by a preconnect to the
/// playback origin and the <see cref="PageConfig"/> as JSON in a non-executed script element (so no
/// Content-Security-Policy nonce is needed), compressed in memory;</item>
/// <item><c>GET /assets/**</c> the scripts, styles, source maps and the lazily loaded chunks, from disk, with
/// the <c>.br</c>/<c>.gz</c> siblings the build precompressed chosen by <c>Accept-Encoding</c>.</item>
/// </list>
/// Pages and entry assets are <c>no-cache</c> (revalidated with <c>ETag</c>/<c>Last-Modified</c>, 304), the
/// content-hashed <c>assets/chunks/*</c> are immutable for a year. HEAD as GET. They need no token and count
/// against the per-address viewer limit (<see cref="EdgeLimits.Viewer"/>). Anything else stays a 404.
/// </summary>
internal static class WebPages
{
    public const string HeadPlaceholder = "<!--hs:head-->";
    public const string ConfigElementId = "hs-config";

    public const string Revalidate = "no-cache";
    public const string Immutable = "public, max-age=31536000, immutable";

    private const string AssetsFolder = "assets";
    private const string ChunksFolder = "chunks/";

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    private static readonly JsonSerializerOptions ConfigJson = new(JsonSerializerDefaults.Web);

    private static readonly FileExtensionContentTypeProvider ContentTypes = CreateContentTypes();

    /// <summary>The encodings served, in the order preferred: (<c>Accept-Encoding</c> token, file suffix).</summary>
    private static readonly (string Token, string Suffix)[] Encodings = [("br", ".br"), ("gzip", ".gz")];

    /// <summary>Reads the pages (a start-up error names what is missing) and maps the pages and the assets.</summary>
    public static IEndpointRouteBuilder MapWebPages(this WebApplication app)
    {
        var config = new PageConfig(
            app.Services.GetRequiredService<SecurityHeaderValues>().PlaybackOrigin,
            DevTokenApi.IsEnabled(app.Environment, app.Configuration),
            DevSellerStreamApi.IsEnabled(app.Environment, app.Configuration) ? "emulator" : "agora");
        var webRoot = app.Environment.WebRootPath is { Length: > 0 } root && Directory.Exists(root)
            ? root
            : Path.Combine(app.Environment.ContentRootPath, "wwwroot");
        var loadedAt = DateTimeOffset.UtcNow;
        var index = Page.Load(webRoot, "index.html", config, loadedAt);
        var watch = Page.Load(webRoot, "watch.html", config, loadedAt);
        var studio = Page.Load(webRoot, "studio.html", config, loadedAt);
        var costs = Page.Load(webRoot, "costs.html", config, loadedAt);
        var files = app.Environment.WebRootFileProvider;

        Configure(app.MapMethods("/", GetAndHead, context => index.ServeAsync(context)));
        Configure(app.MapMethods("/watch/{channelId:guid}", GetAndHead, context => watch.ServeAsync(context)));
        Configure(app.MapMethods("/studio", GetAndHead, context => studio.ServeAsync(context)));
        Configure(app.MapMethods("/costs", GetAndHead, context => costs.ServeAsync(context)));
        Configure(app.MapMethods($"/{AssetsFolder}/{{**path}}", GetAndHead, context => ServeAssetAsync(context, files)));
        return app;
    }

    private static void Configure(IEndpointConventionBuilder endpoint) => endpoint
        .AllowAnonymous()
        .RequireRateLimiting(EdgeLimits.Viewer)
        .ExcludeFromDescription();

    /// <summary>The block that replaces <see cref="HeadPlaceholder"/>: the preconnect (when the playback origin is known) and the configuration.</summary>
    public static string Head(PageConfig config)
    {
        var head = new StringBuilder();
        if (config.PlaybackOrigin is { } origin)
        {
            // crossorigin: hls.js fetches without credentials, from the anonymous connection pool.
            head.Append("<link rel=\"preconnect\" href=\"").Append(HtmlEncoder.Default.Encode(origin)).Append("\" crossorigin>\n");
        }

        // The default encoder escapes <, > and & (as \u003C …), so no value can close the element.
        head.Append("<script type=\"application/json\" id=\"").Append(ConfigElementId).Append("\">")
            .Append(JsonSerializer.Serialize(config, ConfigJson))
            .Append("</script>");
        return head.ToString();
    }

    private static async Task ServeAssetAsync(HttpContext context, IFileProvider files)
    {
        var path = context.Request.RouteValues["path"] as string ?? "";
        // The compressed siblings are representations of their file, not resources of their own.
        if (Encodings.Any(encoding => path.EndsWith(encoding.Suffix, StringComparison.OrdinalIgnoreCase))
            || !ContentTypes.TryGetContentType(path, out var contentType)
            || files.GetFileInfo($"{AssetsFolder}/{path}") is not { Exists: true, IsDirectory: false } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        string? encoding = null;
        foreach (var (token, suffix) in Encodings)
        {
            if (Accepts(context.Request, token) && files.GetFileInfo($"{AssetsFolder}/{path}{suffix}") is { Exists: true } compressed)
            {
                (file, encoding) = (compressed, token);
                break;
            }
        }

        var lastModified = Truncate(file.LastModified);
        var etag = new EntityTagHeaderValue(string.Create(
            System.Globalization.CultureInfo.InvariantCulture, $"\"{lastModified.ToUnixTimeSeconds():x}-{file.Length:x}{(encoding is null ? "" : "-" + encoding)}\""));
        var cacheControl = path.StartsWith(ChunksFolder, StringComparison.Ordinal) ? Immutable : Revalidate;
        if (WriteHeaders(context, contentType, encoding, etag, lastModified, cacheControl, file.Length))
        {
            await context.Response.SendFileAsync(file, context.RequestAborted);
        }
    }

    /// <summary>
    /// The response's headers, or a 304 when the request's validators match. Returns whether the body follows
    /// (not for a 304, not for HEAD).
    /// </summary>
    private static bool WriteHeaders(
        HttpContext context, string contentType, string? encoding, EntityTagHeaderValue etag, DateTimeOffset lastModified, string cacheControl, long length)
    {
        var response = context.Response;
        var headers = response.GetTypedHeaders();
        response.Headers.CacheControl = cacheControl;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        headers.ETag = etag;
        headers.LastModified = lastModified;
        if (NotModified(context.Request, etag, lastModified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return false;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = length;
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }

        return !HttpMethods.IsHead(context.Request.Method);
    }

    /// <summary>If-None-Match (weak comparison) decides when present; otherwise If-Modified-Since.</summary>
    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        var headers = request.GetTypedHeaders();
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            return headers.IfNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false));
        }

        return headers.IfModifiedSince is { } since && lastModified <= since;
    }

    /// <summary>Whether <c>Accept-Encoding</c> allows <paramref name="token"/>: named with a non-zero quality, or <c>*</c> without naming it.</summary>
    private static bool Accepts(HttpRequest request, string token)
    {
        var accepted = request.Headers.AcceptEncoding;
        if (StringValues.IsNullOrEmpty(accepted) || !StringWithQualityHeaderValue.TryParseList(accepted, out var codings))
        {
            return false;
        }

        StringWithQualityHeaderValue? named = null, any = null;
        foreach (var coding in codings)
        {
            if (coding.Value.Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                named = coding;
            }
            else if (coding.Value.Equals("*", StringComparison.Ordinal))
            {
                any = coding;
            }
        }

        var chosen = named ?? any;
        return chosen is not null && (chosen.Quality ?? 1) > 0;
    }

    /// <summary>HTTP dates have whole seconds; a validator compared with one must too.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcDateTime.Ticks - (time.UtcDateTime.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static FileExtensionContentTypeProvider CreateContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript; charset=utf-8";
        types.Mappings[".mjs"] = "text/javascript; charset=utf-8";
        types.Mappings[".css"] = "text/css; charset=utf-8";
        types.Mappings[".map"] = "application/json; charset=utf-8";
        types.Mappings[".json"] = "application/json; charset=utf-8";
        types.Mappings[".txt"] = "text/plain; charset=utf-8";
        return types;
    }

    /// <summary>One page, rendered once: its bytes as they are and compressed, with an ETag each (of the bytes).</summary>
    private sealed class Page
    {
        private const string ContentType = "text/html; charset=utf-8";

        private readonly DateTimeOffset _lastModified;
        private readonly Representation _identity;
        private readonly Representation? _brotli;
        private readonly Representation? _gzip;

        private Page(byte[] html, DateTimeOffset lastModified)
        {
            _lastModified = Truncate(lastModified);
            _identity = Representation.Of(html, null);
            _brotli = Compressed(html, "br", Brotli);
            _gzip = Compressed(html, "gzip", Gzip);
        }

        public static Page Load(string webRoot, string name, PageConfig config, DateTimeOffset loadedAt)
        {
            var path = Path.Combine(webRoot, name);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException(
                    $"The gateway's web pages are not built: {path} is missing. Build the gateway (dotnet build, which runs "
                    + "npm ci and npm run build in src/HybridStreaming.Web; Node.js and npm come from eng/install-prerequisites.sh).");
            }

            var html = File.ReadAllText(path, Encoding.UTF8);
            var at = html.IndexOf(HeadPlaceholder, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidOperationException($"{path} has no {HeadPlaceholder} in its <head>: the gateway puts the page's configuration there.");
            }

            var rendered = string.Concat(html.AsSpan(0, at), Head(config), html.AsSpan(at + HeadPlaceholder.Length));
            // The configuration can change between starts while the file does not: the page is as new as this start.
            return new Page(Encoding.UTF8.GetBytes(rendered), loadedAt);
        }

        public Task ServeAsync(HttpContext context)
        {
            var chosen = (Accepts(context.Request, "br") ? _brotli : null) ?? (Accepts(context.Request, "gzip") ? _gzip : null) ?? _identity;
            return WriteHeaders(context, ContentType, chosen.Encoding, chosen.ETag, _lastModified, Revalidate, chosen.Body.Length)
                ? context.Response.Body.WriteAsync(chosen.Body, context.RequestAborted).AsTask()
                : Task.CompletedTask;
        }

        private static Representation? Compressed(byte[] html, string encoding, Func<Stream, Stream> compressor)
        {
            using var buffer = new MemoryStream();
            using (var stream = compressor(buffer))
            {
                stream.Write(html);
            }

            return buffer.Length < html.Length ? Representation.Of(buffer.ToArray(), encoding) : null;
        }

        private static Stream Brotli(Stream output) => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true);

        private static Stream Gzip(Stream output) => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
    }

    private sealed record Representation(byte[] Body, string? Encoding, EntityTagHeaderValue ETag)
    {
        public static Representation Of(byte[] body, string? encoding) =>
            new(body, encoding, new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body), 0, 8)}\""));
    }
}
