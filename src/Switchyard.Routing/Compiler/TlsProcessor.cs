using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// Step 1: TLSOptions and TLSStores become table entries (id "default" for the object named default, else
/// <c>namespace-name</c>), and certificates are read from Secrets when a store or a router names them.
/// Routers ask <see cref="ResolveRouterTls"/>; an IngressRoute whose TLS options or store are broken loses its
/// routes, nobody else does; a broken <c>tls.secretName</c> only costs the route its own certificate (Traefik).
/// </summary>
internal sealed class TlsProcessor
{
    public static readonly ImmutableArray<string> DefaultAlpn = ["h2", "http/1.1", "acme-tls/1"];

    private readonly CompileContext _context;
    private readonly Dictionary<string, TlsOptionsConfig> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _invalidOptions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? DefaultCertificate, SortedSet<string> Certificates, string? Resolver, ImmutableArray<string> Domains)> _stores = new(StringComparer.Ordinal);
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
            kv => new TlsStoreConfig(kv.Value.DefaultCertificate, [.. kv.Value.Certificates], kv.Value.Resolver) { DefaultGeneratedDomains = kv.Value.Domains },
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
        if (tls.Options is { Name.Length: > 0 } providerRef && ProviderReference.TrySplit(providerRef.Name, out var fullId, out var provider))
        {
            options = ResolveOptionReference(providerRef.Name, fullId, provider, owner, "spec.tls.options.name", crossProvider: false);
            ok &= options is not null;
        }
        else if (tls.Options is { Name.Length: > 0 } optionRef)
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
            // Traefik (getTLSHTTP) logs the broken Secret and builds the routers anyway: they answer with the
            // store's default certificate.
            certificate = Certificate(ns, secretName, out var problem);
            if (certificate is null)
            {
                _context.Warning(problem!.Code, problem.Reason, owner, "spec.tls.secretName",
                    problem.Message + "; the routes are served with the default certificate (Traefik's behaviour)");
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

    /// <summary>
    /// The TLSOption id an entry point's http.tls.options names, qualified as Traefik qualifies a model's option for a
    /// router of this provider: <c>default</c> / <c>default@internal</c>, or <c>&lt;namespace&gt;-&lt;name&gt;[@kubernetescrd]</c>
    /// in any namespace. Null with the reason when no valid TLSOption has that id.
    /// </summary>
    public string? FindOptions(string reference, out string? problem)
    {
        problem = null;
        var id = reference;
        if (ProviderReference.TrySplit(reference, out var plain, out var provider))
        {
            if (provider == ProviderReference.Internal && plain == "default")
            {
                return "default";
            }

            if (provider != ProviderReference.KubernetesCrd)
            {
                problem = $"TLSOption '{reference}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd)";
                return null;
            }

            id = plain;
        }

        if (id == "default")
        {
            return "default";
        }

        var key = ProviderReference.FindById(_context.TlsOptions.Keys, id);
        var option = key is { Name: "default" } ? "default" : id;
        if (key is null || _invalidOptions.Contains(option) || !_options.ContainsKey(option))
        {
            problem = $"TLSOption '{reference}': no valid TLSOption has the id '{id}' (<namespace>-<name>)";
            return null;
        }

        return option;
    }

    /// <summary>
    /// <c>name@provider</c> (Traefik's resolveReference): <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c> is the TLSOption with
    /// that id, refused while allowCrossNamespace is off; <c>default@internal</c> is the default options; other
    /// providers do not exist here. Null after reporting.
    /// </summary>
    private string? ResolveOptionReference(string name, string id, string provider, ResourceRef owner, string field, bool crossProvider)
    {
        if (provider == ProviderReference.Internal && id == "default")
        {
            return "default";
        }

        if (provider != ProviderReference.KubernetesCrd)
        {
            _context.Error(DiagnosticCodes.TlsOptionNotFound, "TLSOptionNotFound", owner, field,
                $"TLSOption '{name}' belongs to provider '{provider}', which Switchyard does not have (only kubernetescrd); the routes of this IngressRoute are not served");
            return null;
        }

        if (!crossProvider && !_context.Options.AllowCrossNamespace)
        {
            _context.Error(DiagnosticCodes.CrossNamespaceNotAllowed, "CrossNamespaceNotAllowed", owner, field,
                $"TLSOption '{name}': @kubernetescrd references are refused while allowCrossNamespace is off (as in Traefik)");
            return null;
        }

        var key = ProviderReference.FindById(_context.TlsOptions.Keys, id);
        var option = key is { Name: "default" } ? "default" : id;
        if (key is null || _invalidOptions.Contains(option) || !_options.ContainsKey(option))
        {
            _context.Error(DiagnosticCodes.TlsOptionNotFound, "TLSOptionNotFound", owner, field,
                $"TLSOption '{name}': no valid TLSOption has the id '{id}' (<namespace>-<name>); the routes of this IngressRoute are not served");
            return null;
        }

        return option;
    }

    /// <summary>
    /// A TLS options reference written in another provider's syntax (an Ingress's <c>router.tls.options</c> annotation):
    /// <c>&lt;ns&gt;-&lt;name&gt;@kubernetescrd</c> or <c>default@internal</c>, resolved whatever allowCrossNamespace says (Traefik).
    /// Null after reporting at <paramref name="field"/>.
    /// </summary>
    public string? ResolveCrossProviderOptions(string name, ResourceRef owner, string field)
    {
        if (ProviderReference.TrySplit(name, out var id, out var provider))
        {
            return ResolveOptionReference(name, id, provider, owner, field, crossProvider: true);
        }

        _context.Error(DiagnosticCodes.TlsOptionNotFound, "TLSOptionNotFound", owner, field,
            $"TLSOption '{name}' names no provider: from an Ingress, write <namespace>-<name>@kubernetescrd (as in Traefik, a bare name would mean {name}@kubernetes, which has no TLS options)");
        return null;
    }

    /// <summary>
    /// Adds the certificate of Secret ns/name to the default TLS store (an Ingress's <c>spec.tls[].secretName</c>: Traefik
    /// serves it by SNI, it does not turn TLS on for the routers; a Gateway listener's certificateRef likewise). Null with
    /// the problem when it cannot be used.
    /// </summary>
    public string? AddToDefaultStore(string ns, string secretName, out Problem? problem)
    {
        var id = Certificate(ns, secretName, out problem);
        if (id is not null)
        {
            _stores["default"].Certificates.Add(id);
        }

        return id;
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

            if (new TlsOptionBuilder(_context).Build(option, owner) is { } config)
            {
                _options[id] = config;
            }
            else
            {
                _invalidOptions.Add(id);
            }
        }
    }

    private void ProcessStores()
    {
        _stores["default"] = (null, new SortedSet<string>(StringComparer.Ordinal), null, default);
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

            var (resolver, domains) = GeneratedDefault(store.Spec, owner);
            _stores[id] = (defaultCertificate, certificates, resolver, domains);
        }
    }

    /// <summary>
    /// defaultGeneratedCert, as Traefik's ACME provider reads it (pkg/provider/acme/provider.go): a defaultCertificate
    /// wins (both set: a warning); a missing resolver or domain is a warning and nothing is ordered; otherwise the
    /// resolver orders main + sans and that certificate becomes the store's default (pkg/tls/tlsmanager.go).
    /// </summary>
    private (string? Resolver, ImmutableArray<string> Domains) GeneratedDefault(TlsStoreSpec spec, ResourceRef owner)
    {
        if (spec.DefaultGeneratedCert is not { } generated)
        {
            return (null, default);
        }

        if (spec.DefaultCertificate is not null)
        {
            _context.Warning(DiagnosticCodes.TlsStoreInvalid, "DefaultCertificateConflict", owner, "spec.defaultGeneratedCert",
                "defaultCertificate and defaultGeneratedCert cannot be defined at the same time: defaultCertificate is used (Traefik's precedence)");
            return (null, default);
        }

        if (string.IsNullOrEmpty(generated.Resolver) || string.IsNullOrEmpty(generated.Domain?.Main))
        {
            _context.Warning(DiagnosticCodes.TlsStoreInvalid, "DefaultGeneratedCertIncomplete", owner, "spec.defaultGeneratedCert",
                "defaultGeneratedCert needs a resolver and domain.main: no certificate is ordered and the generated default certificate is served");
            return (null, default);
        }

        var names = new[] { generated.Domain!.Main! }.Concat(generated.Domain.Sans ?? [])
            .Where(n => !string.IsNullOrEmpty(n)).Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToImmutableArray();
        return (generated.Resolver, names);
    }
}
