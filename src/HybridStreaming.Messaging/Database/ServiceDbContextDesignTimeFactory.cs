using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace HybridStreaming.Messaging.Database;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build a service's DbContext without starting the service (no
/// connection is opened; the server is only needed for <c>database update</c>, which start-up does).
/// </summary>
public abstract class ServiceDbContextDesignTimeFactory<TDbContext> : IDesignTimeDbContextFactory<TDbContext>
    where TDbContext : DbContext
{
    public TDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TDbContext>();
        options.UseServiceDatabase(Environment.GetEnvironmentVariable("HS_DESIGN_TIME_CONNECTION")
            ?? "Host=127.0.0.1;Port=5432;Database=design_time;Username=postgres");
        return Create(options.Options);
    }

    protected abstract TDbContext Create(DbContextOptions<TDbContext> options);
}
