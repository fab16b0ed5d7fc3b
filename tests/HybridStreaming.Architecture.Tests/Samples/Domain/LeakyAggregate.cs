using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Architecture.Tests.Samples.Domain;

/// <summary>A deliberate violation: proves the domain rule detects infrastructure in a Domain folder.</summary>
internal sealed class LeakyAggregate
{
    public DbContext? Context { get; set; }
}
