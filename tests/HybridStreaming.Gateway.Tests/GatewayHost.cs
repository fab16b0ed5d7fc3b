using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HybridStreaming.Gateway.Tests;

/// <summary>The real gateway (its Program, in-process) with the settings every test needs, plus the test's own.</summary>
internal static class GatewayHost
{
    public static WebApplicationFactory<Program> Create(IEnumerable<KeyValuePair<string, string?>> settings, string environment = "Development") =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            web.UseSetting("JWT_ISSUER", "gateway-tests");
            web.UseSetting("JWT_AUDIENCE", "hybridstreaming");
            web.UseSetting("JWT_SIGNING_KEY", "gateway-tests-signing-key-of-at-least-32-bytes");
            // Viewer reads listen for channel changes on Redis; none runs here (the multiplexer keeps
            // retrying in the background and the reads fall back to one-second entries). A short connect
            // timeout: each host's start waits for the first attempt to fail (the project ran 75 s → 59 s).
            web.UseSetting($"ConnectionStrings:{KnownResources.Redis}", "127.0.0.1:1,connectTimeout=200");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
}
