using System.Collections.Concurrent;

namespace HybridStreaming.Messaging.Outbox;

/// <summary>Maps stored type names back to CLR types (version-free, so a redeploy does not orphan rows).</summary>
public static class OutboxMessageTypes
{
    private static readonly ConcurrentDictionary<string, Type?> Cache = new(StringComparer.Ordinal);

    public static string NameOf(Type type) =>
        $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type? Resolve(string name) =>
        Cache.GetOrAdd(name, static n => Type.GetType(n, throwOnError: false));
}
