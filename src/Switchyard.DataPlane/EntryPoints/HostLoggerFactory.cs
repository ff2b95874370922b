using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// The logger factory an entry point's ASP.NET Core host gets: the gateway's, except that the host's per-request
/// diagnostics category logs nowhere. ASP.NET Core's hosting starts an Activity (with its W3C ids, made
/// Activity.Current) and a logging scope for every request whenever that category is enabled at any level
/// (HostingApplicationDiagnostics.BeginRequest tests LogLevel.Critical), so a console logger at Warning paid both on
/// every proxied call for "Request starting/finished" lines it never prints. Calls are logged by the access log;
/// Kestrel's own errors (category Microsoft.AspNetCore.Server.Kestrel) are kept. Tracing is unaffected: its spans
/// come from Switchyard's ActivitySource, not the host's.
/// </summary>
internal sealed class HostLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    internal const string RequestDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public ILogger CreateLogger(string categoryName) =>
        categoryName == RequestDiagnostics ? NullLogger.Instance : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The gateway's factory is its owner's to dispose.</summary>
    public void Dispose()
    {
    }
}
