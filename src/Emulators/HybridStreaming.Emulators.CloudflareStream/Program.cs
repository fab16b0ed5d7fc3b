using HybridStreaming.Emulators.CloudflareStream;

var builder = WebApplication.CreateBuilder(args);
builder.AddCloudflareStreamEmulator();

var app = builder.Build();
app.MapCloudflareStreamEmulator();

app.Run();
