using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// The web pages and their assets on the real gateway, from the web root the build produced
/// (src/HybridStreaming.Web, built with the gateway's project): the configuration each page carries,
/// caching and revalidation, the precompressed variants, the limits, and what stays a 404.
/// </summary>
public sealed partial class WebPagesTests
{
    private const string PlaybackBaseUrl = "http://127.0.0.1:8092/";
    private const string PlaybackOrigin = "http://127.0.0.1:8092";
    private const string ChannelId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Pages() => new()
    {
        { "/", "index" },
        { $"/watch/{ChannelId}", "watch" },
        { "/studio", "studio" },
        { "/costs", "costs" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task A_page_is_html_with_its_script_the_playback_preconnect_and_its_configuration(string path, string page)
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync(path, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/html; charset=utf-8");
        var html = await response.Content.ReadAsStringAsync(CancellationToken);
        html.Should().Contain($"/assets/{page}.js").And.NotContain(WebPages.HeadPlaceholder);
        html.Should().Contain($"<link rel=\"preconnect\" href=\"{PlaybackOrigin}\" crossorigin>");
        var config = Config(html);
        config.GetProperty("playbackOrigin").GetString().Should().Be(PlaybackOrigin);
        config.GetProperty("devSignIn").GetBoolean().Should().BeTrue("Development with a signing key maps /api/dev/token");
        config.GetProperty("sellerMedia").GetString().Should().Be("agora", "without AGORA_EMULATOR_URL there is no emulated seller stream");
        response.Headers.Contains("Content-Security-Policy").Should().BeTrue();
    }

    [Fact]
    public async Task With_the_emulator_the_studio_publishes_through_it_and_outside_Development_nothing_of_development_is_offered()
    {
        Dictionary<string, string?> emulator = new() { [DevSellerStreamApi.EmulatorUrlKey] = "http://127.0.0.1:8091" };
        await using var development = Gateway(extra: emulator);
        await using var production = Gateway(extra: emulator, environment: "Production");

        var developmentConfig = Config(await development.CreateClient().GetStringAsync("/studio", CancellationToken));
        var productionConfig = Config(await production.CreateClient().GetStringAsync("/studio", CancellationToken));

        developmentConfig.GetProperty("sellerMedia").GetString().Should().Be("emulator");
        developmentConfig.GetProperty("devSignIn").GetBoolean().Should().BeTrue();
        productionConfig.GetProperty("sellerMedia").GetString().Should().Be("agora");
        productionConfig.GetProperty("devSignIn").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Without_a_playback_base_url_there_is_no_preconnect_and_the_origin_is_null()
    {
        await using var gateway = Gateway(playbackBaseUrl: null);

        var html = await gateway.CreateClient().GetStringAsync("/", CancellationToken);

        html.Should().NotContain("rel=\"preconnect\"");
        Config(html).GetProperty("playbackOrigin").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void The_configuration_is_escaped_so_that_no_value_can_close_its_script_element()
    {
        var head = WebPages.Head(new PageConfig("https://x.example/</script><script>alert(1)</script>&", DevSignIn: false, SellerMedia: "agora"));

        var block = ConfigBlock().Match(head);
        block.Success.Should().BeTrue(head);
        block.Groups["json"].Value.Should().NotContainAny("<", ">", "&");
        Regex.Matches(head, "</script>").Should().HaveCount(1, "only the element's own end tag");
        using var json = JsonDocument.Parse(block.Groups["json"].Value);
        json.RootElement.GetProperty("playbackOrigin").GetString().Should().Be("https://x.example/</script><script>alert(1)</script>&");
        head.Should().Contain("href=\"https://x.example/&lt;/script&gt;");
    }

    [Fact]
    public async Task Served_pages_have_no_raw_markup_characters_inside_the_configuration()
    {
        await using var gateway = Gateway();

        var html = await gateway.CreateClient().GetStringAsync("/", CancellationToken);

        ConfigBlock().Match(html).Groups["json"].Value.Should().NotContain("<").And.StartWith("{");
    }

    [Fact]
    public async Task Pages_and_entry_assets_are_revalidated_and_content_hashed_chunks_are_immutable()
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();
        var chunk = Chunk(gateway);

        using var page = await client.GetAsync($"/watch/{ChannelId}", CancellationToken);
        using var entry = await client.GetAsync("/assets/watch.js", CancellationToken);
        using var style = await client.GetAsync("/assets/app.css", CancellationToken);
        using var hashed = await client.GetAsync($"/assets/chunks/{chunk}", CancellationToken);

        foreach (var response in new[] { page, entry, style })
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.CacheControl!.NoCache.Should().BeTrue();
            response.Headers.CacheControl.MaxAge.Should().BeNull();
            response.Headers.ETag.Should().NotBeNull();
            response.Content.Headers.LastModified.Should().NotBeNull();
        }

        hashed.StatusCode.Should().Be(HttpStatusCode.OK);
        hashed.Headers.CacheControl!.ToString().Should().Be("public, max-age=31536000, immutable");
        entry.Content.Headers.ContentType!.ToString().Should().Be("text/javascript; charset=utf-8");
        style.Content.Headers.ContentType!.ToString().Should().Be("text/css; charset=utf-8");
        hashed.Content.Headers.ContentType!.ToString().Should().Be("text/javascript; charset=utf-8");
    }

    [Theory]
    [InlineData("/studio")]
    [InlineData("/costs")]
    [InlineData("/assets/studio.js")]
    [InlineData("/assets/costs.js")]
    [InlineData("chunk")]
    public async Task A_request_with_the_etag_or_a_later_date_is_a_304_without_a_body(string path)
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();
        path = path == "chunk" ? $"/assets/chunks/{Chunk(gateway)}" : path;

        using var first = await Send(client, HttpMethod.Get, path, "br, gzip");
        using var byEtag = await Send(client, HttpMethod.Get, path, "br, gzip", request => request.Headers.IfNoneMatch.Add(first.Headers.ETag!));
        using var otherEtag = await Send(client, HttpMethod.Get, path, "br, gzip", request => request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")));
        using var byDate = await Send(client, HttpMethod.Get, path, "br, gzip", request => request.Headers.IfModifiedSince = first.Content.Headers.LastModified);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        foreach (var notModified in new[] { byEtag, byDate })
        {
            notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);
            (await notModified.Content.ReadAsByteArrayAsync(CancellationToken)).Should().BeEmpty();
            notModified.Headers.ETag.Should().Be(first.Headers.ETag);
            notModified.Headers.CacheControl.Should().Be(first.Headers.CacheControl);
            notModified.Headers.Vary.Should().Contain("Accept-Encoding");
        }

        otherEtag.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/", "br", "br")]
    [InlineData("/", "gzip, deflate", "gzip")]
    [InlineData("/", "gzip;q=1, br;q=0", "gzip")]
    [InlineData("/", "identity", null)]
    [InlineData("chunk", "br, gzip", "br")]
    [InlineData("chunk", "gzip", "gzip")]
    [InlineData("chunk", "*", "br")]
    [InlineData("chunk", "", null)]
    public async Task Pages_and_scripts_are_served_compressed_as_the_client_accepts(string path, string acceptEncoding, string? expected)
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();
        path = path == "chunk" ? $"/assets/chunks/{Chunk(gateway)}" : path;

        using var plain = await Send(client, HttpMethod.Get, path, acceptEncoding: null);
        using var response = await Send(client, HttpMethod.Get, path, acceptEncoding);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Vary.Should().Contain("Accept-Encoding");
        var body = await response.Content.ReadAsByteArrayAsync(CancellationToken);
        var original = await plain.Content.ReadAsByteArrayAsync(CancellationToken);
        if (expected is null)
        {
            response.Content.Headers.ContentEncoding.Should().BeEmpty();
            body.Should().Equal(original);
        }
        else
        {
            response.Content.Headers.ContentEncoding.Should().Equal(expected);
            body.Length.Should().BeLessThan(original.Length);
            Decompress(body, expected).Should().Equal(original);
            response.Content.Headers.ContentLength.Should().Be(body.Length);
            response.Headers.ETag.Should().NotBe(plain.Headers.ETag, "each representation has its own validator");
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/assets/watch.js")]
    public async Task HEAD_answers_the_headers_of_GET_without_the_body(string path)
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();

        using var get = await Send(client, HttpMethod.Get, path, "gzip");
        using var head = await Send(client, HttpMethod.Head, path, "gzip");

        head.StatusCode.Should().Be(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.Should().Be(get.Content.Headers.ContentLength);
        head.Content.Headers.ContentType.Should().Be(get.Content.Headers.ContentType);
        head.Headers.ETag.Should().Be(get.Headers.ETag);
        (await head.Content.ReadAsByteArrayAsync(CancellationToken)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("/nothing-here")]
    [InlineData("/watch/not-a-guid")]
    [InlineData("/watch")]
    [InlineData("/index.html")]
    [InlineData("/studio/more")]
    [InlineData("/costs/more")]
    [InlineData("/costs.html")]
    [InlineData("/assets/missing.js")]
    [InlineData("/assets/watch.js.br")]
    [InlineData("/assets/chunks")]
    [InlineData("/assets/../appsettings.json")]
    [InlineData("/assets/%2e%2e/index.html")]
    public async Task Anything_else_is_a_404_problem(string path)
    {
        await using var gateway = Gateway();
        using var client = gateway.CreateClient();

        using var response = await client.GetAsync(path, CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Pages_and_assets_count_against_the_per_address_viewer_limit()
    {
        // One per second, bursts of two.
        await using var gateway = Gateway(extra: new() { ["RATE_LIMIT_VIEWER_PER_SECOND"] = "1" });
        using var client = gateway.CreateClient();

        using var first = await client.GetAsync("/", CancellationToken);
        using var second = await client.GetAsync("/assets/index.js", CancellationToken);
        using var third = await client.GetAsync("/studio", CancellationToken);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        third.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter.Should().NotBeNull();
    }

    [Fact]
    public void Start_up_fails_when_the_pages_are_not_built_or_lack_the_placeholder()
    {
        var empty = Directory.CreateTempSubdirectory("hs-webroot-");
        var withoutPlaceholder = Directory.CreateTempSubdirectory("hs-webroot-");
        try
        {
            foreach (var page in new[] { "index.html", "watch.html", "studio.html", "costs.html" })
            {
                File.WriteAllText(Path.Combine(withoutPlaceholder.FullName, page), "<!doctype html><head></head>");
            }

            using var notBuilt = Gateway(extra: new() { ["webroot"] = empty.FullName });
            using var placeholderMissing = Gateway(extra: new() { ["webroot"] = withoutPlaceholder.FullName });

            ((Action)(() => notBuilt.CreateClient())).Should().Throw<InvalidOperationException>().WithMessage("*index.html is missing*eng/install-prerequisites.sh*");
            ((Action)(() => placeholderMissing.CreateClient())).Should().Throw<InvalidOperationException>().WithMessage("*index.html has no <!--hs:head-->*");
        }
        finally
        {
            empty.Delete(recursive: true);
            withoutPlaceholder.Delete(recursive: true);
        }
    }

    /// <summary>A content-hashed chunk of the built web root that has precompressed siblings (hls.js's, the Agora SDK's).</summary>
    private static string Chunk(WebApplicationFactory<Program> gateway)
    {
        var chunks = Path.Combine(gateway.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath, "assets", "chunks");
        return Directory.Exists(chunks) && Directory.GetFiles(chunks, "*.js").Where(file => File.Exists(file + ".br") && File.Exists(file + ".gz"))
                .OrderByDescending(file => new FileInfo(file).Length).FirstOrDefault() is { } file
            ? Path.GetFileName(file)
            : throw new InvalidOperationException($"No precompressed chunk in {chunks}: the web root was not built (dotnet build src/HybridStreaming.Gateway).");
    }

    private static async Task<HttpResponseMessage> Send(
        HttpClient client, HttpMethod method, string path, string? acceptEncoding, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (!string.IsNullOrEmpty(acceptEncoding))
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        configure?.Invoke(request);
        return await client.SendAsync(request, CancellationToken);
    }

    private static byte[] Decompress(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decompressor = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    private static JsonElement Config(string html)
    {
        var block = ConfigBlock().Match(html);
        block.Success.Should().BeTrue($"the page carries <script type=\"application/json\" id=\"{WebPages.ConfigElementId}\">: {html}");
        using var json = JsonDocument.Parse(block.Groups["json"].Value);
        return json.RootElement.Clone();
    }

    private static WebApplicationFactory<Program> Gateway(
        string? playbackBaseUrl = PlaybackBaseUrl, Dictionary<string, string?>? extra = null, string environment = "Development") =>
        GatewayHost.Create(
            new Dictionary<string, string?>
            {
                [$"services:{KnownResources.ChannelsApi}:http:0"] = "http://127.0.0.1:9",
                [$"services:{KnownResources.CostApi}:http:0"] = "http://127.0.0.1:9",
                [SecurityHeaders.PlaybackBaseUrlKey] = playbackBaseUrl,
            }.Concat(extra ?? []),
            environment);

    [GeneratedRegex("<script type=\"application/json\" id=\"hs-config\">(?<json>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ConfigBlock();
}
