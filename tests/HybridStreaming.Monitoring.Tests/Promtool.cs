using System.Diagnostics;
using System.Text;

namespace HybridStreaming.Monitoring.Tests;

/// <summary>Runs Prometheus's promtool (Debian's <c>prometheus</c> package, from eng/install-prerequisites.sh).</summary>
internal static class Promtool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<PromtoolResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var path = Find();
        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        var output = new StringBuilder();
        var outputLock = new Lock();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (outputLock)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"promtool {string.Join(' ', start.ArgumentList)} did not finish within {Timeout}:\n{output}");
        }

        // The exit is seen before the last lines of output are: WaitForExit() without a timeout waits for them.
        process.WaitForExit();
        lock (outputLock)
        {
            return new PromtoolResult(process.ExitCode, $"$ promtool {string.Join(' ', start.ArgumentList)}\n{output}");
        }
    }

    /// <summary>promtool's path; fails (never skips) when it is not installed.</summary>
    private static string Find()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin");
        return directories.Select(directory => System.IO.Path.Combine(directory, "promtool")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "promtool is not installed: run ./eng/install-prerequisites.sh (it installs Debian's prometheus package, which provides /usr/bin/promtool).");
    }
}

internal sealed record PromtoolResult(int ExitCode, string Output);
