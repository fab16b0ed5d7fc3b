namespace HybridStreaming.Architecture.Tests.Samples.Domain;

/// <summary>A domain type as it should be: plain C#.</summary>
internal sealed class CleanAggregate
{
    public Guid Id { get; } = Guid.NewGuid();
}
