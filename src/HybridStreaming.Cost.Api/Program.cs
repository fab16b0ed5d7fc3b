using HybridStreaming.Cost.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddServiceOpenApi("HybridStreaming Cost API", "Price table, usage ledger, per-session cost and savings (through the gateway: /api/costs).");

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapServiceOpenApi();

app.Run();
