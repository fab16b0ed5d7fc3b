using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost;

/// <summary>
/// JWT settings of a local run: issuer, audience and a signing key generated once into the state folder
/// (<c>jwt-signing-key</c>), shared by the gateway (which issues development tokens) and the services
/// (which validate them). <c>JWT_AUTHORITY</c> (an external identity provider) replaces the key.
/// </summary>
public sealed class DevelopmentAuthentication
{
    public const string Issuer = "hybridstreaming-dev";
    public const string Audience = "hybridstreaming";

    private DevelopmentAuthentication(IReadOnlyDictionary<string, string> environment) => Environment = environment;

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>
    /// The key guest tokens are signed with (<c>GUEST_TOKEN_SIGNING_KEY</c>): the configured one, else one
    /// generated once into the state folder. The platform's own key, whatever identity provider is used.
    /// </summary>
    public static string GuestTokenSigningKey(string stateDirectory, IConfiguration configuration) =>
        configuration["GUEST_TOKEN_SIGNING_KEY"] is { Length: > 0 } configured
            ? configured
            : KeptSecret.LoadOrCreate(Path.Combine(stateDirectory, "guest-token-signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));

    public static DevelopmentAuthentication Load(string stateDirectory, IConfiguration configuration)
    {
        string Pick(string name, Func<string> fallback) => configuration[name] is { Length: > 0 } value ? value : fallback();
        if (configuration["JWT_AUTHORITY"] is { Length: > 0 } authority)
        {
            return new DevelopmentAuthentication(new Dictionary<string, string>
            {
                ["JWT_AUTHORITY"] = authority,
                ["JWT_AUDIENCE"] = Pick("JWT_AUDIENCE", () => Audience),
            });
        }

        return new DevelopmentAuthentication(new Dictionary<string, string>
        {
            ["JWT_ISSUER"] = Pick("JWT_ISSUER", () => Issuer),
            ["JWT_AUDIENCE"] = Pick("JWT_AUDIENCE", () => Audience),
            ["JWT_SIGNING_KEY"] = Pick("JWT_SIGNING_KEY", () => KeptSecret.LoadOrCreate(Path.Combine(stateDirectory, "jwt-signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)))),
        });
    }
}
