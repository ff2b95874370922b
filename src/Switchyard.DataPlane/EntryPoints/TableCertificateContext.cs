using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Switchyard.Model.Diagnostics;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.EntryPoints;

/// <summary>
/// A table certificate's SslStream context, made at the first handshake that selects it rather than when the table is
/// built: the compiler read the certificate and its key without OpenSSL, and a gateway whose TLS clients have not come
/// yet does not load it (docs/performance-log.md, 2026-12-07 18:50). The compiler checked both; should the framework
/// still refuse them here, the certificate is not served — its names get the default certificate, as when such a
/// certificate was left out at table build — and the reason is logged once (SY503), not at every handshake.
/// </summary>
internal sealed partial class TableCertificateContext(string id, PemCertificate pem, ILogger? logger)
{
    private readonly Lazy<SslStreamCertificateContext?> _context = new(() => Create(id, pem, logger), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The context, or null when the certificate cannot be loaded (logged at its first use).</summary>
    public SslStreamCertificateContext? Value => _context.Value;

    private static SslStreamCertificateContext? Create(string id, PemCertificate pem, ILogger? logger)
    {
        try
        {
            return SslStreamCertificateContext.Create(pem.Certificate, null);
        }
        catch (CryptographicException ex)
        {
            if (logger is not null)
            {
                CannotLoad(logger, DiagnosticCodes.DataPlaneCertificateInvalid, id, pem.Source, ex.Message);
            }

            return null;
        }
    }

    [LoggerMessage(EventId = 5503, Level = LogLevel.Error,
        Message = "{Code} certificate {Id} ({Source}) cannot be loaded: {Reason}; not served, its names get the default certificate")]
    private static partial void CannotLoad(ILogger logger, string code, string id, string source, string reason);
}
