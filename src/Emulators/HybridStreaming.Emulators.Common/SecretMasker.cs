using System.Collections.Concurrent;

namespace HybridStreaming.Emulators.Common;

/// <summary>
/// Every secret the emulator knows (certificates, customer secrets, stream keys, tokens): whatever is
/// written to a log passes through <see cref="Mask"/>, so none of them ever appears there.
/// </summary>
public sealed class SecretMasker
{
    private readonly ConcurrentDictionary<string, bool> _secrets = new(StringComparer.Ordinal);

    public void Add(string? secret)
    {
        // Very short values would mask ordinary words; secrets are long.
        if (secret is { Length: >= 6 })
        {
            _secrets.TryAdd(secret, true);
        }
    }

    public IReadOnlyList<string> All => [.. _secrets.Keys];

    public string Mask(string text)
    {
        foreach (var secret in _secrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, "****", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
