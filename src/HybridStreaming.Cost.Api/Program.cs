using HybridStreaming.Cost.Api;
using HybridStreaming.Cost.Api.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddServiceOpenApi("HybridStreaming Cost API", "Price table, usage ledger, per-session cost and savings (through the gateway: /api/costs).");

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseAuthorization();
app.MapCostsApi();
app.MapServiceOpenApi();

app.Run();
