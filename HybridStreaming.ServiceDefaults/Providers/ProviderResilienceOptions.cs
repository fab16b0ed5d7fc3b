namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>
/// How one provider's HTTP calls are protected. Bound from a configuration section per provider
/// (<c>AGORA_HTTP</c>, <c>CLOUDFLARE_HTTP</c>; environment variables such as
/// <c>AGORA_HTTP__MaxRetryAttempts=5</c>); each provider library sets its own defaults first.
/// </summary>
public sealed class ProviderResilienceOptions
{
    /// <summary>Longest single attempt. Operations the provider documents as slow may ask for more per request.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest call including every retry and wait.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>Retries after the first attempt (0 = never retry).</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff step; each retry doubles it (with jitter: a delay falls in [step/2, step]).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of one backoff step.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A 429 whose Retry-After is longer than this is not retried: the error reaches the caller at once
    /// with <see cref="ProviderApiException.RetryAfter"/> set (Cloudflare blocks for 5 minutes on a breach).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Share of failed attempts within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Attempts needed in the sampling window before the ratio counts (at least 2).</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls fast before it lets a trial call through.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds a problem for every value outside what the pipeline (Polly) accepts.</summary>
    public void Validate(ConfigurationProblems problems, string section)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var oneDay = TimeSpan.FromDays(1);
        problems.Range($"{section}:AttemptTimeout", AttemptTimeout, TimeSpan.FromMilliseconds(10), oneDay);
        problems.Range($"{section}:TotalTimeout", TotalTimeout, TimeSpan.FromMilliseconds(10), oneDay);
        if (TotalTimeout < AttemptTimeout)
        {
            problems.Add($"{section}:TotalTimeout", $"must not be shorter than AttemptTimeout ({TotalTimeout} < {AttemptTimeout}).");
        }

        if (MaxRetryAttempts is < 0 or > 10)
        {
            problems.Add($"{section}:MaxRetryAttempts", $"must be between 0 and 10 (got {MaxRetryAttempts}).");
        }

        problems.Range($"{section}:RetryBaseDelay", RetryBaseDelay, TimeSpan.Zero, oneDay);
        problems.Range($"{section}:RetryMaxDelay", RetryMaxDelay, RetryBaseDelay, oneDay);
        problems.Range($"{section}:MaxRetryAfter", MaxRetryAfter, TimeSpan.Zero, oneDay);
        problems.Range($"{section}:BreakerFailureRatio", BreakerFailureRatio, 0.01, 1.0);
        if (BreakerMinimumThroughput < 2)
        {
            problems.Add($"{section}:BreakerMinimumThroughput", $"must be at least 2 (got {BreakerMinimumThroughput}).");
        }

        problems.Range($"{section}:BreakerSamplingDuration", BreakerSamplingDuration, TimeSpan.FromMilliseconds(500), oneDay);
        problems.Range($"{section}:BreakerBreakDuration", BreakerBreakDuration, TimeSpan.FromMilliseconds(500), oneDay);
    }
}

/// <summary>Validates one provider's named <see cref="ProviderResilienceOptions"/> at start-up.</summary>
internal sealed class ProviderResilienceOptionsValidator(string name, string subject, string section)
    : Microsoft.Extensions.Options.IValidateOptions<ProviderResilienceOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? optionsName, ProviderResilienceOptions options)
    {
        if (optionsName != name)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Skip;
        }

        var problems = new ConfigurationProblems($"{subject} HTTP resilience");
        options.Validate(problems, section);
        return problems.ToResult();
    }
}
