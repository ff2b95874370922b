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
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);

    public ServersTransportProcessor(CompileContext context)
    {
        _context = context;
        _valid["default"] = ServersTransportConfig.Default;
        foreach (var transport in CompileContext.Sorted(context.ServersTransports))
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

        if (_invalid.Contains(id))
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServersTransportInvalid, "ServersTransportInvalid",
                $"ServersTransport {shown} has errors (see its diagnostics)", ".serversTransport"));
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

        if (spec.MaxIdleConnsPerHost is < 0)
        {
            _context.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidValue", owner, "spec.maxIdleConnsPerHost",
                $"maxIdleConnsPerHost must not be negative (got {spec.MaxIdleConnsPerHost})");
            ok = false;
        }

        if (spec.Spiffe is not null)
        {
            // Without SPIFFE the transport would still verify with the system roots; refusing is clearer.
            _context.Error(DiagnosticCodes.ServersTransportInvalid, "SpiffeUnsupported", owner, "spec.spiffe",
                "spiffe is not supported; use rootCAs and certificatesSecrets");
            ok = false;
        }

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
            string.IsNullOrEmpty(spec.PeerCertUri) ? null : spec.PeerCertUri);
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
