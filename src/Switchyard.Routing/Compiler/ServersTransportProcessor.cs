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

    /// <summary>The id of transport <paramref name="name"/> in <paramref name="ns"/> (the Service's namespace), or null with a problem.</summary>
    public string? Resolve(string ns, string name, List<Problem> problems)
    {
        // Traefik accepts name@kubernetescrd for its own provider; there is only one provider here.
        var plain = name.EndsWith("@kubernetescrd", StringComparison.Ordinal) ? name[..^"@kubernetescrd".Length] : name;
        var id = Naming.ObjectId(ns, plain);
        if (plain.Contains('@'))
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServersTransportNotFound, "ServersTransportNotFound",
                $"ServersTransport '{name}' names another provider; only Kubernetes ServersTransports exist here", ".serversTransport"));
            return null;
        }

        if (_valid.ContainsKey(id) && id != "default")
        {
            return id;
        }

        if (_invalid.Contains(id))
        {
            problems.Add(Problem.Error(DiagnosticCodes.ServersTransportInvalid, "ServersTransportInvalid",
                $"ServersTransport {ns}/{plain} has errors (see its diagnostics)", ".serversTransport"));
            return null;
        }

        problems.Add(Problem.Error(DiagnosticCodes.ServersTransportNotFound, "ServersTransportNotFound",
            $"ServersTransport {ns}/{plain} not found", ".serversTransport"));
        return null;
    }

    /// <summary>
    /// forwardAuth.tls describes a transport inline; it becomes a transport of its own, id
    /// <c>namespace-middleware-forwardauth</c>, so the data plane has one way to build connections.
    /// </summary>
    public string? AddForwardAuthTransport(ResourceRef owner, Model.Traefik.Middlewares.ClientTlsWithCaOptional tls, string field, ref bool ok)
    {
        var ns = owner.Namespace;
        var rootCas = ImmutableArray<PemCertificate>.Empty;
        var clientCerts = ImmutableArray<PemCertificate>.Empty;
        var valid = true;
        if (tls.CaSecret is { Length: > 0 } caSecret)
        {
            var key = new ObjectKey(ns, caSecret);
            var (ca, problem) = PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.MiddlewareSecretNotFound);
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

        var id = Naming.ObjectId(ns, owner.Name) + "-forwardauth";
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

        var rootCas = ImmutableArray.CreateBuilder<PemCertificate>();
        var rootRefs = (spec.RootCAs ?? []).Select((r, i) => (r.Secret, r.ConfigMap, Field: $"spec.rootCAs[{i}]"))
            .Concat((spec.RootCAsSecrets ?? []).Select((s, i) => ((string?)s, (string?)null, $"spec.rootCAsSecrets[{i}]")));
        foreach (var (secret, configMap, field) in rootRefs)
        {
            (PemCertificate? ca, Problem? problem) = (secret, configMap) switch
            {
                ({ Length: > 0 } s, null or "") => PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(new ObjectKey(ns, s)), new ObjectKey(ns, s), DiagnosticCodes.ServersTransportCertificateNotFound),
                (null or "", { Length: > 0 } c) => PemMaterial.ReadCa(_context.ConfigMaps.GetValueOrDefault(new ObjectKey(ns, c)), new ObjectKey(ns, c), DiagnosticCodes.ServersTransportCertificateNotFound),
                _ => (null, Problem.Error(DiagnosticCodes.ServersTransportInvalid, "InvalidRootCA", "a rootCAs entry names exactly one of secret or configMap")),
            };
            if (ca is not null)
            {
                rootCas.Add(ca);
            }
            else
            {
                _context.Error(problem!.Code, problem.Reason, owner, field, problem.Message);
                ok = false;
            }
        }

        var clientCerts = ImmutableArray.CreateBuilder<PemCertificate>();
        for (var i = 0; i < (spec.CertificatesSecrets?.Count ?? 0); i++)
        {
            var key = new ObjectKey(ns, spec.CertificatesSecrets![i]);
            var (cert, problem) = PemMaterial.ReadKeyPair(_context.Secrets.GetValueOrDefault(key), key,
                DiagnosticCodes.ServersTransportCertificateNotFound, DiagnosticCodes.ServersTransportCertificateNotFound);
            if (cert is not null)
            {
                clientCerts.Add(cert.Pem);
            }
            else
            {
                _context.Error(problem!.Code, problem.Reason, owner, $"spec.certificatesSecrets[{i}]", problem.Message);
                ok = false;
            }
        }

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

        if (spec.InsecureSkipVerify == true && rootCas.Count > 0)
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
            rootCas.ToImmutable(),
            clientCerts.ToImmutable(),
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
