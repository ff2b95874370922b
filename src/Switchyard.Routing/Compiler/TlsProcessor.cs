using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 1: TLSOptions and TLSStores become table entries (id "default" for the object named default, else
/// <c>namespace-name</c>), and certificates are read from Secrets when a store or a router names them.
/// Routers ask <see cref="ResolveRouterTls"/>; an IngressRoute whose TLS settings are broken loses its routes,
/// nobody else does.
/// </summary>
internal sealed class TlsProcessor
{
    public static readonly ImmutableArray<string> DefaultAlpn = ["h2", "http/1.1", "acme-tls/1"];

    private static readonly HashSet<string> Versions = ["VersionTLS10", "VersionTLS11", "VersionTLS12", "VersionTLS13"];

    private static readonly HashSet<string> ClientAuthTypes =
        ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"];

    private readonly CompileContext _context;
    private readonly Dictionary<string, TlsOptionsConfig> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalidOptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? DefaultCertificate, SortedSet<string> Certificates, string? Resolver)> _stores = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalidStores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TlsCertificate> _certificates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Problem> _badCertificates = new(StringComparer.Ordinal);

    public TlsProcessor(CompileContext context)
    {
        _context = context;
        ProcessOptions();
        ProcessStores();
    }

    public TlsConfig Table()
    {
        var stores = _stores.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => new TlsStoreConfig(kv.Value.DefaultCertificate, [.. kv.Value.Certificates], kv.Value.Resolver),
            StringComparer.Ordinal);
        return new TlsConfig(
            _certificates.ToImmutableSortedDictionary(StringComparer.Ordinal),
            stores,
            _options.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    /// <summary>The router TLS of an IngressRoute with <c>spec.tls</c>, or null after reporting why it cannot be served.</summary>
    public RouterTls? ResolveRouterTls(IngressRoute route, ResourceRef owner) => ResolveTls(route.Spec.Tls!, owner);

    /// <summary>The router TLS of any route object's <c>spec.tls</c> (IngressRoute, or IngressRouteTCP when it terminates).</summary>
    public RouterTls? ResolveTls(IngressRouteTls tls, ResourceRef owner)
    {
        var ns = owner.Namespace;
        var ok = true;

        string? options = null;
        if (tls.Options is { Name.Length: > 0 } optionRef)
        {
            var optionNs = string.IsNullOrEmpty(optionRef.Namespace) ? ns : optionRef.Namespace;
            if (optionNs != ns && !_context.Options.AllowCrossNamespace)
            {
                _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, "spec.tls.options",
                    $"TLSOption {optionNs}/{optionRef.Name} is in another namespace and allowCrossNamespace is off");
                ok = false;
            }
            else
            {
                options = optionRef.Name == "default" ? "default" : Naming.ObjectId(optionNs, optionRef.Name);
                if (_invalidOptions.Contains(options))
                {
                    _context.Error(DiagnosticCodes.RouteTlsInvalid, "TLSOptionInvalid", owner, "spec.tls.options",
                        $"TLSOption {optionNs}/{optionRef.Name} has errors (see its diagnostics); the routes of this IngressRoute are not served");
                    ok = false;
                }
                else if (!_options.ContainsKey(options))
                {
                    _context.Error(DiagnosticCodes.TlsOptionNotFound, "TLSOptionNotFound", owner, "spec.tls.options",
                        $"TLSOption {optionNs}/{optionRef.Name} not found; the routes of this IngressRoute are not served");
                    ok = false;
                }
            }
        }

        var store = "default";
        if (tls.Store is { Name.Length: > 0 } storeRef)
        {
            var storeNs = string.IsNullOrEmpty(storeRef.Namespace) ? ns : storeRef.Namespace;
            store = storeRef.Name == "default" ? "default" : Naming.ObjectId(storeNs, storeRef.Name);
            if (storeNs != ns && storeRef.Name != "default" && !_context.Options.AllowCrossNamespace)
            {
                _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, "spec.tls.store",
                    $"TLSStore {storeNs}/{storeRef.Name} is in another namespace and allowCrossNamespace is off");
                ok = false;
            }
            else if (_invalidStores.Contains(store) || !_stores.ContainsKey(store))
            {
                _context.Error(DiagnosticCodes.TlsStoreNotFound, "TLSStoreNotFound", owner, "spec.tls.store",
                    $"TLSStore {storeNs}/{storeRef.Name} not found or invalid; the routes of this IngressRoute are not served");
                ok = false;
            }
        }

        string? certificate = null;
        if (tls.SecretName is { Length: > 0 } secretName)
        {
            certificate = Certificate(ns, secretName, out var problem);
            if (certificate is null)
            {
                _context.Error(problem!.Code, problem.Reason, owner, "spec.tls.secretName",
                    problem.Message + "; the routes of this IngressRoute are not served");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        if (certificate is not null)
        {
            _stores[store].Certificates.Add(certificate);
        }

        var domains = (tls.Domains ?? [])
            .Where(d => !string.IsNullOrEmpty(d.Main) || d.Sans is { Count: > 0 })
            .Select(d => new TlsDomain(d.Main ?? "", [.. d.Sans ?? []]))
            .ToImmutableArray();
        return new RouterTls(options, string.IsNullOrEmpty(tls.CertResolver) ? null : tls.CertResolver, domains, certificate,
            tls.Store is null ? null : store);
    }

    /// <summary>Reads (once) the certificate of Secret ns/name; null with the problem when it cannot be used.</summary>
    private string? Certificate(string ns, string secretName, out Problem? problem)
    {
        var id = Naming.CertificateId(ns, secretName);
        problem = null;
        if (_certificates.ContainsKey(id))
        {
            return id;
        }

        if (_badCertificates.TryGetValue(id, out problem))
        {
            return null;
        }

        var key = new ObjectKey(ns, secretName);
        var (cert, p) = PemMaterial.ReadKeyPair(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.TlsSecretNotFound, DiagnosticCodes.TlsSecretInvalid);
        if (cert is null)
        {
            _badCertificates[id] = problem = p!;
            return null;
        }

        _certificates[id] = cert;
        return id;
    }

    private void ProcessOptions()
    {
        _options["default"] = new TlsOptionsConfig("VersionTLS12", null, [], [], null, false, DefaultAlpn);
        var defaults = _context.TlsOptions.Where(kv => kv.Key.Name == "default").Select(kv => kv.Value).ToList();
        foreach (var option in CompileContext.Sorted(_context.TlsOptions))
        {
            var owner = CompileContext.RefOf(option);
            var isDefault = owner.Name == "default";
            var id = isDefault ? "default" : Naming.ObjectId(owner.Namespace, owner.Name);
            if (isDefault && defaults.Count > 1)
            {
                // Traefik cannot tell which one is meant and falls back to its built-in defaults; so do we.
                _context.Error(DiagnosticCodes.TlsDefaultConflict, "DefaultTLSOptionConflict", owner, "metadata.name",
                    $"TLSOption 'default' is defined in {defaults.Count} namespaces ({string.Join(", ", defaults.Select(d => CompileContext.NamespaceOf(d.Metadata)).Order(StringComparer.Ordinal))}); the built-in defaults are used");
                continue;
            }

            if (BuildOption(option, owner) is { } config)
            {
                _options[id] = config;
            }
            else
            {
                _invalidOptions.Add(id);
            }
        }
    }

    private TlsOptionsConfig? BuildOption(TlsOption option, ResourceRef owner)
    {
        var spec = option.Spec;
        var ok = true;
        foreach (var (value, field) in new[] { (spec.MinVersion, "spec.minVersion"), (spec.MaxVersion, "spec.maxVersion") })
        {
            if (!string.IsNullOrEmpty(value) && !Versions.Contains(value))
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "InvalidTLSVersion", owner, field,
                    $"'{value}' is not a TLS version (VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13)");
                ok = false;
            }
        }

        ClientAuthConfig? clientAuth = null;
        if (spec.ClientAuth is { } auth)
        {
            var cas = ImmutableArray.CreateBuilder<PemCertificate>();
            for (var i = 0; i < (auth.SecretNames?.Count ?? 0); i++)
            {
                var key = new ObjectKey(owner.Namespace, auth.SecretNames![i]);
                var (ca, problem) = PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.TlsSecretNotFound);
                if (ca is null)
                {
                    _context.Error(problem!.Code, problem.Reason, owner, $"spec.clientAuth.secretNames[{i}]", problem.Message);
                    ok = false;
                }
                else
                {
                    cas.Add(ca);
                }
            }

            // Traefik: CA files without a type mean RequireAndVerifyClientCert.
            var type = string.IsNullOrEmpty(auth.ClientAuthType)
                ? (cas.Count > 0 || auth.SecretNames is { Count: > 0 } ? "RequireAndVerifyClientCert" : "NoClientCert")
                : auth.ClientAuthType;
            if (!ClientAuthTypes.Contains(type))
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "InvalidClientAuthType", owner, "spec.clientAuth.clientAuthType",
                    $"'{type}' is not a client auth type ({string.Join(", ", ClientAuthTypes)})");
                ok = false;
            }
            else if (type is "VerifyClientCertIfGiven" or "RequireAndVerifyClientCert" && auth.SecretNames is not { Count: > 0 })
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "ClientAuthWithoutCA", owner, "spec.clientAuth.secretNames",
                    $"clientAuthType {type} needs at least one CA in secretNames");
                ok = false;
            }

            clientAuth = new ClientAuthConfig(type, cas.ToImmutable());
        }

        if (spec.PreferServerCipherSuites is not null)
        {
            _context.Warning(DiagnosticCodes.TlsOptionInvalid, "DeprecatedField", owner, "spec.preferServerCipherSuites",
                "preferServerCipherSuites is deprecated and ignored");
        }

        // The data plane takes these names as they are: an unknown one is refused here, never skipped there.
        var suites = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < (spec.CipherSuites?.Count ?? 0); i++)
        {
            var name = spec.CipherSuites![i] ?? "";
            // Go also accepts the ChaCha20 suites without their _SHA256 suffix (the names before Go 1.16).
            var canonical = name.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal) ? name + "_SHA256" : name;
            if (name.Length == 0 || !char.IsAsciiLetter(name[0]) || !Enum.TryParse<System.Net.Security.TlsCipherSuite>(canonical, ignoreCase: false, out _))
            {
                _context.Error(DiagnosticCodes.TlsOptionInvalid, "UnknownCipherSuite", owner, $"spec.cipherSuites[{i}]",
                    $"'{name}' is not a cipher suite name (Go's names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                ok = false;
            }
            else
            {
                suites.Add(canonical);
            }
        }

        if (spec.CurvePreferences is { Count: > 0 })
        {
            _context.Warning(DiagnosticCodes.TlsOptionInvalid, "CurvePreferencesIgnored", owner, "spec.curvePreferences",
                "curvePreferences are not applied: .NET offers no per-listener curve setting (the system's OpenSSL defaults apply)");
        }

        return ok
            ? new TlsOptionsConfig(
                NullIfEmpty(spec.MinVersion),
                NullIfEmpty(spec.MaxVersion),
                suites.ToImmutable(),
                [.. spec.CurvePreferences ?? []],
                clientAuth,
                spec.SniStrict ?? false,
                spec.AlpnProtocols is { Count: > 0 } alpn ? [.. alpn] : DefaultAlpn)
            : null;
    }

    private void ProcessStores()
    {
        _stores["default"] = (null, new SortedSet<string>(StringComparer.Ordinal), null);
        var defaults = _context.TlsStores.Where(kv => kv.Key.Name == "default").Select(kv => kv.Value).ToList();
        foreach (var store in CompileContext.Sorted(_context.TlsStores))
        {
            var owner = CompileContext.RefOf(store);
            var isDefault = owner.Name == "default";
            var id = isDefault ? "default" : Naming.ObjectId(owner.Namespace, owner.Name);
            if (isDefault && defaults.Count > 1)
            {
                _context.Error(DiagnosticCodes.TlsDefaultConflict, "DefaultTLSStoreConflict", owner, "metadata.name",
                    $"TLSStore 'default' is defined in {defaults.Count} namespaces; none of them is used");
                continue;
            }

            var certificates = new SortedSet<string>(StringComparer.Ordinal);
            string? defaultCertificate = null;
            var ok = true;
            if (store.Spec.DefaultCertificate is { SecretName.Length: > 0 } dc)
            {
                defaultCertificate = Certificate(owner.Namespace, dc.SecretName, out var problem);
                if (defaultCertificate is null)
                {
                    _context.Error(problem!.Code, problem.Reason, owner, "spec.defaultCertificate.secretName", problem.Message);
                    ok = false;
                }
            }

            for (var i = 0; i < (store.Spec.Certificates?.Count ?? 0); i++)
            {
                // A broken certificate is skipped; the store keeps serving the others.
                if (Certificate(owner.Namespace, store.Spec.Certificates![i].SecretName, out var problem) is { } cert)
                {
                    certificates.Add(cert);
                }
                else
                {
                    _context.Error(problem!.Code, problem.Reason, owner, $"spec.certificates[{i}].secretName", problem.Message);
                }
            }

            if (!ok)
            {
                _invalidStores.Add(id);
                continue;
            }

            var resolver = store.Spec.DefaultGeneratedCert?.Resolver;
            _stores[id] = (defaultCertificate, certificates, string.IsNullOrEmpty(resolver) ? null : resolver);
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
