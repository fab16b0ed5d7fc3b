using HybridStreaming.Emulators.Tests.Infrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(EmulatorsFixture))]
[assembly: AssemblyFixture(typeof(NoMediaStrictFixture))]
