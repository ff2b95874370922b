using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.EntryPoints;

namespace Switchyard.DataPlane.Tests.Core;

/// <summary>
/// An entry point host's loggers: ASP.NET Core's per-request diagnostics category is off whatever the level (an
/// enabled one makes the host start an Activity and a log scope per request); every other category is the gateway's.
/// </summary>
public class HostLoggerFactoryTests
{
    [Test]
    public void RequestDiagnostics_AreOff_OtherCategoriesFollowTheGatewaysFactory()
    {
        using var gateway = LoggerFactory.Create(b => b.AddProvider(new SinkProvider()).SetMinimumLevel(LogLevel.Warning));
        using var host = new HostLoggerFactory(gateway);

        var diagnostics = host.CreateLogger(HostLoggerFactory.RequestDiagnostics);
        var kestrel = host.CreateLogger("Microsoft.AspNetCore.Server.Kestrel");

        Assert.Multiple(() =>
        {
            Assert.That(gateway.CreateLogger(HostLoggerFactory.RequestDiagnostics).IsEnabled(LogLevel.Critical), Is.True, "the gateway's factory would enable it");
            Assert.That(diagnostics.IsEnabled(LogLevel.Critical), Is.False);
            Assert.That(kestrel.IsEnabled(LogLevel.Warning), Is.True);
            Assert.That(kestrel.IsEnabled(LogLevel.Information), Is.False, "the gateway's level applies");
        });
    }

    private sealed class SinkProvider : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Sink();

        public void Dispose()
        {
        }

        private sealed class Sink : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }
    }
}
