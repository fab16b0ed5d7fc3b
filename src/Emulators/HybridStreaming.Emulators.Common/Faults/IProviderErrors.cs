using Microsoft.AspNetCore.Http;

namespace HybridStreaming.Emulators.Common.Faults;

/// <summary>Writes an error the way the emulated provider would for this request and status (injected faults, quotas).</summary>
public interface IProviderErrors
{
    Task WriteAsync(HttpContext context, int status);
}
