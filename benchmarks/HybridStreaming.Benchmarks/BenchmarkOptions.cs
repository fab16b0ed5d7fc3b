using System.Globalization;

namespace HybridStreaming.Benchmarks;

public sealed class BenchmarkOptions(Dictionary<string, string> values)
{
    public static BenchmarkOptions Parse(IEnumerable<string> args) =>
        new(args.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "true", StringComparer.OrdinalIgnoreCase));

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A switch such as <c>--bare-only</c> (also <c>--bare-only=true</c>; <c>=false</c> turns it off).</summary>
    public bool Flag(string name) =>
        values.TryGetValue(name, out var value) && !string.Equals(value, "false", StringComparison.OrdinalIgnoreCase);
}

public static class Figures
{
    /// <summary>Prints one figure per line, the way docs/benchmarks.md records them.</summary>
    public static void Print(string name, double value, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {value:0.###} {unit}"));

    public static double Percentile(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = percentile / 100 * (sorted.Count - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }
}
