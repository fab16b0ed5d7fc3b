using HybridStreaming.AppHost;
using HybridStreaming.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
AppTopology.Define(builder);

await using var app = builder.Build();
return await AppHostRunner.RunAsync(app, builder.Options);
