using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HybridStreaming.Messaging;

internal static class Telemetry
{
    public const string Name = "HybridStreaming.Messaging";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);
}
