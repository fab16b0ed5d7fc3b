using HybridStreaming.Testing;
using Microsoft.Playwright;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.EndToEnd.Tests.Browser.ChromiumFixture))]

namespace HybridStreaming.EndToEnd.Tests.Browser;

/// <summary>
/// One headless Chromium for the assembly: Debian's <c>/usr/bin/chromium</c> (Playwright's own browser
/// builds cannot be downloaded here), driven by Microsoft.Playwright. Each test opens its own contexts —
/// a seller's and an anonymous buyer's are separate browser profiles — and screenshots and, for a failed
/// test, a Playwright trace go to <c>artifacts/test-results/browser/</c>.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ArtifactsDirectory { get; } = Path.Combine(Repository.Root, "artifacts", "test-results", "browser");

    public IPlaywright Playwright => _playwright ?? throw new InvalidOperationException("Chromium is not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium is not started.");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: eng/install-prerequisites.sh installs Debian's chromium.");
        }

        Directory.CreateDirectory(ArtifactsDirectory);
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in a container: no sandbox. No GPU, no background services, no QUIC (loopback only).
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>
    /// Runs a browser test: <paramref name="body"/> opens pages through the <see cref="BrowserSession"/>, each
    /// in its own profile. When it fails, every page's screenshot and Playwright trace are kept as
    /// <c>{name}-{who}-failure.png</c> and <c>{name}-{who}-trace.zip</c> (open with <c>npx playwright show-trace</c>).
    /// </summary>
    public async Task RunAsync(Uri gateway, string name, Func<BrowserSession, Task> body)
    {
        var session = new BrowserSession(this, gateway);
        try
        {
            await body(session);
            await session.CloseAsync(name, failed: false);
        }
        catch
        {
            await session.CloseAsync(name, failed: true);
            throw;
        }
    }

    internal async Task<IBrowserContext> NewContextAsync(Uri baseAddress, bool phone)
    {
        var options = phone ? new BrowserNewContextOptions(Playwright.Devices["Pixel 7"]) : new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } };
        options.BaseURL = baseAddress.ToString().TrimEnd('/');
        var context = await Browser.NewContextAsync(options);
        await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true });
        return context;
    }

    /// <summary>Keeps a screenshot of the page as a test artifact.</summary>
    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>The pages one browser test opened; each is its own browser profile (cookies, storage).</summary>
public sealed class BrowserSession(ChromiumFixture chromium, Uri gateway)
{
    private readonly List<(string Who, IBrowserContext Context, IPage Page)> _pages = [];

    /// <summary>A new profile and its page: a seller's, a buyer's… <paramref name="phone"/>: a Pixel 7's screen.</summary>
    public async Task<IPage> NewPageAsync(string who, bool phone = false)
    {
        var context = await chromium.NewContextAsync(gateway, phone);
        var page = await context.NewPageAsync();
        _pages.Add((who, context, page));
        return page;
    }

    internal async Task CloseAsync(string name, bool failed)
    {
        foreach (var (who, context, page) in _pages)
        {
            try
            {
                if (failed && !page.IsClosed)
                {
                    await ChromiumFixture.ScreenshotAsync(page, $"{name}-{who}-failure");
                }

                await context.Tracing.StopAsync(failed ? new TracingStopOptions { Path = Path.Combine(ChromiumFixture.ArtifactsDirectory, $"{name}-{who}-trace.zip") } : new TracingStopOptions());
                await context.CloseAsync();
            }
            catch (PlaywrightException) when (failed)
            {
                // Keeping evidence must not hide the test's own failure.
            }
        }
    }
}
