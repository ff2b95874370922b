using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;
using ForwardingTimeouts = Switchyard.Routing.Table.ForwardingTimeouts;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 2: every ServersTransport becomes a <see cref="ServersTransportConfig"/> (Traefik's defaults
/// applied, CA and client certificates read). A transport with an error is left out of the table and the
/// services naming it report that, so only the routes that use it are affected.
/// </summary>
internal sealed class ServersTransportProcessor
{
    private readonly CompileContext _context;
    private readonly Dictionary<string, ServersTransportConfig> _valid = new(StringComparer.Ordinal);
    /// <summary>Transports with errors, with the first error: the services naming one say why.</summary>
    private readonly Dictionary<string, string> _invalid = new(StringComparer.Ordinal);

    public ServersTransportProcessor(CompileContext context)
    {
        _context = context;
        _valid["default"] = ServersTransportConfig.Default;
        foreach (var transport in CompileContext.Sorted(context.ServersTransports))
        {
            var id = Naming.ObjectId(CompileContext.NamespaceOf(transport.Metadata), transport.Metadata.Name ?? "");
            var before = context.Diagnostics.Count;
            if (Build(transport) is { } config)
            {
                _valid[id] = config;
            }
            else
            {
                _invalid[id] = context.Diagnostics.Skip(before).FirstOrDefault(d => d.Severity == Severity.Error)?.Message ?? "invalid";
            }
        }
    }

    public ImmutableSortedDictionary<string, ServersTransportConfig> Table(IEnumerable<string> used) =>
        _valid.Where(kv => kv.Key == "default" || used.Contains(kv.Key))
            .ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    public ImmutableSortedDictionary<string, ServersTransportConfig> All =>
        _valid.ToImmutableSortedDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The id of transport <paramref name="name"/> named by a Service in <paramref name="ns"/>, or null with a problem.
    /// Traefik's forms (makeServersTransportKey): a plain name is in the Service's namespace;
    /// <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c> is a full id (only with allowCrossNamespace); <c>default@internal</c> is
    /// the default transport; another provider's name is refused naming that provider.
    /// </summary>
    /// <param name="crossProvider">The reference comes from another provider (an Service annotation read for an Ingress): an @kubernetescrd id resolves whatever allowCrossNamespace says (Traefik).</param>
    public string? Resolve(string ns, string name, List<Problem> problems, bool crossProvider = false)
    {
        string id;
        string shown;
        if (ProviderReference.TrySplit(name, out var fullId, out var provider))
        {
            if (provider == ProviderReference.Internal && fullId == "default")
            {
                return "default";
            }

            if (provider == ProviderReference.KubernetesGateway && _valid.ContainsKey(name))
            {
                return name; // a BackendTLSPolicy's transport (AddGatewayTransport)
            }

            if (provider != ProviderReference.KubernetesCrd)
            {
                problems.Add(Problem.Error(DiagnosticCodes.ServersTransportNotFound, "ServersTransportNotFound",
                    $"ServersTransport '{name}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd, and default@internal)", ".serversTransport"));
                return null;
            }

            if (!crossProvider && !_context.Options.AllowCrossNamespace)
            {
                problems.Add(Problem.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed",
                    $"ServersTransport '{name}': @kubernetescrd references are refused while allowCrossNamespace is off (as in Traefik)", ".serversTransport"));
                return null;
            }

            id = ProviderReference.FindById(_context.ServersTransports.Keys, fullId) is { } key ? Naming.ObjectId(key.Namespace, key.Name) : fullId;
            shown = $"'{name}'";
        }
        else
        {
            id = Naming.ObjectId(ns, name);
            shown = $"{ns}/{name}";
        }

        if (_valid.ContainsKey(id) && id != "default")
        {
            return id;
        }

        if (_invalid.TryGetValue(id, out var why))
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServersTransportInvalid, "ServersTransportInvalid",
                $"ServersTransport {shown} has errors: {why}", ".serversTransport"));
            return null;
        }

        problems.Add(Problem.Error(DiagnosticCodes.ServersTransportNotFound, "ServersTransportNotFound",
            $"ServersTransport {shown} not found", ".serversTransport"));
        return null;
    }

    /// <summary>
    /// forwardAuth.tls (and rateLimit.redis.tls) describes a transport inline; it becomes a transport of its own, id
    /// <c>namespace-middleware-forwardauth</c> (<c>-redis</c>), so the data plane has one way to build connections.
    /// </summary>
    public string? AddForwardAuthTransport(ResourceRef owner, Model.Traefik.Middlewares.ClientTlsWithCaOptional tls, string field, ref bool ok, string suffix = "forwardauth")
    {
        var ns = owner.Namespace;
        var rootCas = ImmutableArray<PemCertificate>.Empty;
        var clientCerts = ImmutableArray<PemCertificate>.Empty;
        var valid = true;
        if (tls.CaOptional is not null)
        {
            ModelFieldUse.Warn(_context, "ClientTlsWithCaOptional.caOptional", owner, field + ".caOptional");
        }

        if (tls.CaSecret is { Length: > 0 } caSecret)
        {
            var key = new ObjectKey(ns, caSecret);
            var (ca, problem) = PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.MiddlewareSecretNotFound, singleKeyFallback: true);
            if (ca is null)
            {
                _context.Error(problem!.Code, problem.Reason, owner, field + ".caSecret", problem.Message);
                valid = false;
            }
            else
            {
                rootCas = [ca];
            }
        }

        if (tls.CertSecret is { Length: > 0 } certSecret)
        {
            var key = new ObjectKey(ns, certSecret);
            var (cert, problem) = PemMaterial.ReadKeyPair(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.MiddlewareSecretNotFound, DiagnosticCodes.MiddlewareSecretNotFound);
            if (cert is null)
            {
                _context.Error(problem!.Code, problem.Reason, owner, field + ".certSecret", problem.Message);
                valid = false;
            }
            else
            {
                clientCerts = [cert.Pem];
            }
        }

        if (!valid)
        {
            ok = false;
            return null;
        }

        var id = Naming.ObjectId(ns, owner.Name) + "-" + suffix;
        _valid[id] = ServersTransportConfig.Default with
        {
            InsecureSkipVerify = tls.InsecureSkipVerify ?? false,
            RootCas = rootCas,
            ClientCertificates = clientCerts,
        };
        return id;
    }

    /// <summary>A transport the Gateway API provider derived (a BackendTLSPolicy's), under its full <c>…@kubernetesgateway</c> id.</summary>
    public void AddGatewayTransport(string id, ServersTransportConfig config) => _valid[id] = config;

    private ServersTransportConfig? Build(ServersTransport transport)
    {
        var owner = CompileContext.RefOf(transport);
        var ns = owner.Namespace;
        var spec = transport.Spec;
        var ok = true;

        var rootCas = TransportCertificates.Roots(_context, owner,
            TransportCertificates.RootRefs(spec.RootCAs?.Select(r => (r.Secret, r.ConfigMap)), spec.RootCAsSecrets, "spec."), ref ok);
        var clientCerts = TransportCertificates.ClientCertificates(_context, owner, spec.CertificatesSecrets, "spec.");

        var d = ForwardingTimeouts.Default;
        var t = spec.ForwardingTimeouts;
        var problems = new List<Problem>();
        ok &= Timeout(t?.DialTimeout, d.DialTimeout, "dialTimeout", problems, out var dial);
        ok &= Timeout(t?.ResponseHeaderTimeout, d.ResponseHeaderTimeout, "responseHeaderTimeout", problems, out var header);
        ok &= Timeout(t?.IdleConnTimeout, d.IdleConnTimeout, "idleConnTimeout", problems, out var idle);
        ok &= Timeout(t?.ReadIdleTimeout, d.ReadIdleTimeout, "readIdleTimeout", problems, out var readIdle);
        ok &= Timeout(t?.PingTimeout, d.PingTimeout, "pingTimeout", problems, out var ping);
        _context.ReportAll(problems, owner, "spec.forwardingTimeouts");

        if (spec.MaxIdleConnsPerHost is < -1)
        {
            // Traefik's CRD: minimum -1 (keep no idle connection); 0 is Go's default of 2.
            _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidValue", owner, "spec.maxIdleConnsPerHost",
                $"maxIdleConnsPerHost must be -1 (no idle connection) or more (got {spec.MaxIdleConnsPerHost})");
            ok = false;
        }

        if (spec.Spiffe is not null)
        {
            // Traefik takes the SVID and bundle from a SPIFFE Workload API agent (static config `spiffe`); there is
            // none here. Serving without it would verify with the system roots instead: refused, and its routes say so.
            _context.Error(DiagnosticCodes.ServersTransportSpiffeUnsupported, "SpiffeUnsupported", owner, "spec.spiffe",
                "spiffe is not supported (no SPIFFE Workload API client): use rootCAs, peerCertURI and certificatesSecrets for the same checks");
            ok = false;
        }

        ok &= TlsSettings(spec, owner, out var suites);

        if (spec.InsecureSkipVerify == true && rootCas.Length > 0)
        {
            _context.Warning(DiagnosticCodes.ServersTransportInvalid, "InsecureSkipVerifyWithRootCAs", owner, "spec.insecureSkipVerify",
                "insecureSkipVerify is set, so rootCAs are not used to verify the backend");
        }

        if (!ok)
        {
            return null;
        }

        return new ServersTransportConfig(
            string.IsNullOrEmpty(spec.ServerName) ? null : spec.ServerName,
            spec.InsecureSkipVerify ?? false,
            rootCas,
            clientCerts,
            spec.MaxIdleConnsPerHost ?? ServersTransportConfig.Default.MaxIdleConnsPerHost,
            new ForwardingTimeouts(dial, header, idle, readIdle, ping),
            spec.DisableHttp2 ?? false,
            string.IsNullOrEmpty(spec.PeerCertUri) ? null : spec.PeerCertUri)
        {
            MinVersion = string.IsNullOrEmpty(spec.MinVersion) ? null : spec.MinVersion,
            MaxVersion = string.IsNullOrEmpty(spec.MaxVersion) ? null : spec.MaxVersion,
            CipherSuites = suites.IsEmpty ? default : suites,
        };
    }

    /// <summary>minVersion, maxVersion, cipherSuites: Traefik refuses an unknown name and min above max (pkg/server/service/transport.go createTLSConfig).</summary>
    private bool TlsSettings(ServersTransportSpec spec, ResourceRef owner, out ImmutableArray<string> suites)
    {
        var ok = true;
        foreach (var (value, field) in new[] { (spec.MinVersion, "spec.minVersion"), (spec.MaxVersion, "spec.maxVersion") })
        {
            if (!string.IsNullOrEmpty(value) && !TlsNames.IsVersion(value))
            {
                _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidTLSVersion", owner, field,
                    $"'{value}' is not a TLS version ({string.Join(", ", TlsNames.Versions)})");
                ok = false;
            }
        }

        if (ok && !string.IsNullOrEmpty(spec.MinVersion) && !string.IsNullOrEmpty(spec.MaxVersion) && TlsNames.Rank(spec.MinVersion) > TlsNames.Rank(spec.MaxVersion))
        {
            _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidTLSVersion", owner, "spec.minVersion",
                $"minVersion {spec.MinVersion} is above maxVersion {spec.MaxVersion}");
            ok = false;
        }

        var builder = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < (spec.CipherSuites?.Count ?? 0); i++)
        {
            if (TlsNames.CipherSuite(spec.CipherSuites![i]) is { } canonical)
            {
                builder.Add(canonical);
            }
            else
            {
                _context.Error(DiagnosticCodes.ServersTransportInvalid, "UnknownCipherSuite", owner, $"spec.cipherSuites[{i}]",
                    $"'{spec.CipherSuites[i]}' is not a cipher suite name (Go's names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                ok = false;
            }
        }

        suites = builder.ToImmutable();
        return ok;
    }

    /// <summary>A forwarding timeout: seconds or a Go duration; zero means none.</summary>
    private static bool Timeout(k8s.Models.IntOrString? value, TimeSpan fallback, string name, List<Problem> problems, out TimeSpan result)
    {
        result = fallback;
        if (value?.Value is not { Length: > 0 } text)
        {
            return true;
        }

        if (GoDuration.TryParse(text, out var parsed) && parsed >= TimeSpan.Zero)
        {
            result = parsed;
            return true;
        }

        problems.Add(Problem.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidDuration",
            $"forwardingTimeouts.{name} '{text}' is not a duration (seconds, or e.g. 30s)", "." + name));
        return false;
    }
}
