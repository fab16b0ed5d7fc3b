using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridStreaming.Messaging;

/// <summary>
/// Reads what a service's gauges report (sessions, the outbox's backlog, costs) every
/// <c>METRICS_SAMPLE_SECONDS</c> (15), so a scrape only reads the last values and costs nothing however
/// often Prometheus asks. A failed read (the database away) keeps the last values and says so in the log.
/// </summary>
public abstract partial class PeriodicSampler(IConfiguration configuration, TimeProvider clock, ILogger logger) : BackgroundService
{
    public const string IntervalVariable = "METRICS_SAMPLE_SECONDS";

    public TimeSpan Interval { get; } = IntervalFrom(configuration);

    protected TimeProvider Clock { get; } = clock;

    /// <summary>What is read, for the log: "the outbox backlog".</summary>
    protected abstract string What { get; }

    protected abstract Task SampleAsync(CancellationToken cancellationToken);

    public static TimeSpan IntervalFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[IntervalVariable];
        if (string.IsNullOrWhiteSpace(value))
        {
            return TimeSpan.FromSeconds(15);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"{IntervalVariable} is '{value}': it must be a whole number of seconds from 1 to 3600.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Clock);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogSampleFailed(logger, What, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read {What} ({Reason}); the metrics keep their last values")]
    private static partial void LogSampleFailed(ILogger logger, string what, string reason);
}
