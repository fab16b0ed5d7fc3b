using HybridStreaming.Emulators.Agora;

var builder = WebApplication.CreateBuilder(args);
builder.AddAgoraEmulator();

var app = builder.Build();
app.MapAgoraEmulator();

app.Run();
