using HybridStreaming.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(TestInfrastructure))]
