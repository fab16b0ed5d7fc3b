using HybridStreaming.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
AppTopology.Define(builder);
builder.Build().Run();
