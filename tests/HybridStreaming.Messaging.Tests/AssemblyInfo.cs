using HybridStreaming.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(TestInfrastructure))]

// The tests share one broker and publish the same message type: run them one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
