using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.Tcp;

/// <summary>
/// ServersTransportTCPs become <see cref="TcpServersTransportConfig"/> entries (id <c>namespace-name</c>; "default"
/// is Traefik's default@internal: dial 30s, keep-alive 15s, termination delay 100ms). A broken one is reported on
/// itself and on every route that names it.
/// </summary>
internal sealed class ServersTransportTcpProcessor
{
    private readonly CompileContext _context;
    private readonly Dictionary<string, TcpServersTransportConfig> _valid = new(StringComparer.Ordinal) { ["default"] = TcpServersTransportConfig.Default };
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);

    public ServersTransportTcpProcessor(CompileContext context)
    {
        _context = context;
        foreach (var transport in CompileContext.Sorted(context.ServersTransportTcps))
        {
            var id = Naming.ObjectId(CompileContext.NamespaceOf(transport.Metadata), transport.Metadata.Name ?? "");
            if (Build(transport) is { } config)
            {
                _valid[id] = config;
            }
            else
            {
                _invalid.Add(id);
            }
        }
    }

    /// <summary>Only the transports some service uses.</summary>
    public ImmutableSortedDictionary<string, TcpServersTransportConfig> Table(IEnumerable<string> used) =>
        used.Distinct(StringComparer.Ordinal).Where(_valid.ContainsKey)
            .ToImmutableSortedDictionary(id => id, id => _valid[id], StringComparer.Ordinal);

    /// <summary>A transport id for a service entry's serversTransport (same namespace), or null after reporting.</summary>
    public string? Resolve(string ns, string? name, ResourceRef owner, string field)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "default";
        }

        var id = Naming.ObjectId(ns, name);
        if (_valid.ContainsKey(id))
        {
            return id;
        }

        _context.Error(_invalid.Contains(id) ? DiagnosticCodes.ServersTransportInvalid : DiagnosticCodes.ServersTransportNotFound,
            _invalid.Contains(id) ? "ServersTransportInvalid" : "ServersTransportNotFound", owner, field,
            _invalid.Contains(id) ? $"ServersTransportTCP {ns}/{name} has errors (see its diagnostics)" : $"ServersTransportTCP {ns}/{name} not found");
        return null;
    }

    /// <summary>A transport for the deprecated per-service terminationDelay / proxyProtocol fields (Traefik still honours them).</summary>
    public string WithServiceOverrides(string transportId, int? terminationDelayMs, ProxyProtocol? proxyProtocol)
    {
        if (terminationDelayMs is null && proxyProtocol is null)
        {
            return transportId;
        }

        var baseConfig = _valid[transportId];
        var config = baseConfig with
        {
            TerminationDelay = terminationDelayMs is { } ms ? (ms < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(ms)) : baseConfig.TerminationDelay,
            ProxyProtocolVersion = proxyProtocol is not null ? proxyProtocol.Version ?? 2 : baseConfig.ProxyProtocolVersion,
        };
        var id = $"{transportId}-td{terminationDelayMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "x"}-pp{config.ProxyProtocolVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "x"}";
        _valid[id] = config;
        return id;
    }

    private TcpServersTransportConfig? Build(ServersTransportTcp transport)
    {
        var owner = CompileContext.RefOf(transport);
        var spec = transport.Spec;
        var ok = true;
        var d = TcpServersTransportConfig.Default;
        ok &= Duration(spec.DialTimeout, d.DialTimeout, "spec.dialTimeout", owner, allowNegative: false, out var dial);
        ok &= Duration(spec.DialKeepAlive, d.DialKeepAlive, "spec.dialKeepAlive", owner, allowNegative: true, out var keepAlive);
        ok &= Duration(spec.TerminationDelay, d.TerminationDelay, "spec.terminationDelay", owner, allowNegative: true, out var termination);
        TcpTlsClientConfig? tls = null;
        if (spec.Tls is { } t)
        {
            tls = Tls(t, owner, ref ok);
        }

        return ok ? new TcpServersTransportConfig(dial, keepAlive, termination < TimeSpan.Zero ? Timeout.InfiniteTimeSpan : termination,
            spec.ProxyProtocol is null ? null : spec.ProxyProtocol.Version ?? 2, tls) : null;
    }

    private TcpTlsClientConfig? Tls(TlsClientConfig tls, ResourceRef owner, ref bool ok)
    {
        var roots = TransportCertificates.Roots(_context, owner,
            TransportCertificates.RootRefs(tls.RootCAs?.Select(r => (r.Secret, r.ConfigMap)), tls.RootCAsSecrets, "spec.tls."), ref ok);
        var certificates = TransportCertificates.ClientCertificates(_context, owner, tls.CertificatesSecrets, "spec.tls.");

        if (tls.Spiffe is not null)
        {
            // Verifying less than asked would be a silent downgrade: refuse instead.
            _context.Error(DiagnosticCodes.ServersTransportInvalid, "PeerVerificationUnsupported", owner, "spec.tls.spiffe",
                "spiffe is not supported on TCP transports (no SPIFFE Workload API client); use rootCAs, serverName and peerCertSANs");
            ok = false;
        }

        return new TcpTlsClientConfig(string.IsNullOrEmpty(tls.ServerName) ? null : tls.ServerName, tls.InsecureSkipVerify ?? false,
            roots, certificates) { PeerCertSans = PeerCertSans(tls, owner, ref ok) };
    }

    /// <summary>
    /// peerCertSANs plus the deprecated peerCertURI as a URI entry (Traefik pkg/tcp/dialer.go); each entry needs a type
    /// (DNSName or URI) and a value.
    /// </summary>
    private ImmutableArray<PeerCertSanConfig>? PeerCertSans(TlsClientConfig tls, ResourceRef owner, ref bool ok)
    {
        var sans = ImmutableArray.CreateBuilder<PeerCertSanConfig>();
        for (var i = 0; i < (tls.PeerCertSans?.Count ?? 0); i++)
        {
            var san = tls.PeerCertSans![i];
            if (san.Type is not ("DNSName" or "URI") || string.IsNullOrEmpty(san.Value))
            {
                _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidValue", owner, $"spec.tls.peerCertSANs[{i}]",
                    $"a peer SAN needs type DNSName or URI and a value (got type '{san.Type}', value '{san.Value}')");
                ok = false;
                continue;
            }

            sans.Add(new PeerCertSanConfig(san.Type == "URI", san.Value));
        }

        if (!string.IsNullOrEmpty(tls.PeerCertUri))
        {
            _context.Warning(DiagnosticCodes.ServersTransportInvalid, "Deprecated", owner, "spec.tls.peerCertURI",
                "peerCertURI is deprecated; use peerCertSANs with type URI (it is applied as one)");
            sans.Add(new PeerCertSanConfig(true, tls.PeerCertUri));
        }

        return sans.Count == 0 ? null : sans.ToImmutable();
    }

    private bool Duration(IntOrString? value, TimeSpan fallback, string field, ResourceRef owner, bool allowNegative, out TimeSpan result)
    {
        result = fallback;
        if (value?.Value is not { Length: > 0 } text)
        {
            return true;
        }

        var negative = allowNegative && text.StartsWith('-');
        if (GoDuration.TryParse(negative ? text[1..] : text, out var parsed) && parsed >= TimeSpan.Zero)
        {
            result = negative ? -parsed : parsed;
            return true;
        }

        _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidDuration", owner, field,
            $"'{text}' is not a duration (seconds, or e.g. 30s)");
        return false;
    }
}
