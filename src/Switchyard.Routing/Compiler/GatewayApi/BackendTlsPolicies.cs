using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Routing.Table;
using static Switchyard.Routing.Compiler.GatewayApi.GatewayConditions;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// BackendTLSPolicy (Traefik's loadHTTPServers / loadServersTransport, pkg/provider/kubernetes/gateway/httproute.go;
/// spec apis/v1/backendtlspolicy_types.go): a Service port a policy targets is reached over TLS, with
/// <c>validation.hostname</c> as SNI and verified name, and its certificate checked against the policy's CA
/// certificates (ConfigMap or Secret key <c>ca.crt</c>) or the system's (<c>wellKnownCACertificates: System</c>); with
/// subjectAltNames, one of those names must be on the certificate instead of the hostname. Each policy becomes one
/// transport of the table (id <c>&lt;namespace&gt;-&lt;name&gt;@kubernetesgateway</c>). A policy that cannot be applied makes
/// the Service's share answer 500 (the spec: connections MUST fail). When several policies select the same Service
/// port, a port-specific one (sectionName) wins over a whole-Service one, then the oldest, then by name; the others
/// of the same specificity are <c>Conflicted</c>. Status: one ancestor entry (the Gateway) per policy and Gateway.
/// </summary>
internal sealed class BackendTlsPolicies
{
    private const string Accepted = GatewayConditions.Accepted;

    private readonly CompileContext _context;
    private readonly ILookup<(string Namespace, string Service), BackendTlsPolicy> _byService;
    private readonly Dictionary<ResourceRef, Evaluation> _evaluations = [];
    private readonly Dictionary<ResourceRef, Dictionary<(string, string), PolicyAncestorStatus>> _ancestors = [];

    private readonly ServersTransportProcessor _transports;

    /// <summary>A policy as checked once: its transport when usable (added to the table on first use), and its conditions.</summary>
    private sealed record Evaluation(BackendTlsPolicy Policy, string? TransportId, ServersTransportConfig? Transport, GatewayCondition ResolvedRefs, GatewayCondition Accepted);

    public BackendTlsPolicies(CompileContext context, ServersTransportProcessor transports)
    {
        _context = context;
        _transports = transports;
        var policies = context.Snapshot.BackendTlsPolicies;
        foreach (var policy in policies)
        {
            // Every policy is checked, used or not, so `validate` reports a broken one before a route needs it.
            _evaluations[CompileContext.RefOf(policy)] = Evaluate(policy);
        }

        _byService = policies
            .SelectMany(p => p.Spec.TargetRefs.Where(IsService).Select(t => (Key: (CompileContext.NamespaceOf(p.Metadata), t.Name), Policy: p)))
            .Distinct()
            .ToLookup(x => x.Key, x => x.Policy);
    }

    /// <summary>
    /// The transport for Service <paramref name="service"/> port <paramref name="port"/> in <paramref name="ns"/> reached
    /// through <paramref name="gateway"/>: "" when no policy selects it, the transport id when one applies, null (with
    /// <paramref name="problem"/>) when the selected policy cannot be applied.
    /// </summary>
    public string? For(string ns, string service, V1ServicePort port, ResourceRef gateway, out BackendProblem? problem)
    {
        problem = null;
        var candidates = _byService[(ns, service)]
            .Select(p => (Policy: p, Specific: Specificity(p, service, port)))
            .Where(c => c.Specific >= 0)
            .OrderByDescending(c => c.Specific)
            .ThenBy(c => c.Policy.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(c => c.Policy.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
        {
            return "";
        }

        var (winner, specificity) = candidates[0];
        var evaluation = _evaluations[CompileContext.RefOf(winner)];
        Record(evaluation.Policy, gateway, [evaluation.Accepted, evaluation.ResolvedRefs]);
        foreach (var (loser, _) in candidates.Skip(1).Where(c => c.Specific == specificity))
        {
            var generation = loser.Metadata.Generation ?? 0;
            var message = $"BackendTLSPolicy {ns}/{winner.Metadata.Name} takes precedence for Service {ns}/{service} port {PortName(port)} (older, or first by name)";
            Record(loser, gateway, [False(Accepted, "Conflicted", message, generation), _evaluations[CompileContext.RefOf(loser)].ResolvedRefs]);
        }

        if (evaluation.TransportId is null)
        {
            problem = new BackendProblem("RefNotPermitted",
                $"BackendTLSPolicy {ns}/{winner.Metadata.Name} for Service {ns}/{service} cannot be applied: {evaluation.Accepted.Message}");
            return null;
        }

        _transports.AddGatewayTransport(evaluation.TransportId, evaluation.Transport!);
        return evaluation.TransportId;
    }

    /// <summary>The status of every policy that applies through one of our Gateways.</summary>
    public ImmutableArray<BackendTlsPolicyReport> Reports() =>
        [.. _ancestors.OrderBy(a => a.Key.Namespace, StringComparer.Ordinal).ThenBy(a => a.Key.Name, StringComparer.Ordinal)
            .Select(a => new BackendTlsPolicyReport(a.Key, new PolicyStatus { Ancestors = [.. a.Value.Values] }))];

    private void Record(BackendTlsPolicy policy, ResourceRef gateway, List<GatewayCondition> conditions)
    {
        var key = CompileContext.RefOf(policy);
        if (!_ancestors.TryGetValue(key, out var byGateway))
        {
            _ancestors[key] = byGateway = [];
        }

        // A policy that won for one backend and lost for another through the same Gateway reports the conflict.
        if (byGateway.TryGetValue((gateway.Namespace, gateway.Name), out var existing) &&
            existing.Conditions?.Any(c => c.Type == Accepted && c.Reason == "Conflicted") == true)
        {
            return;
        }

        byGateway[(gateway.Namespace, gateway.Name)] = new PolicyAncestorStatus
        {
            AncestorRef = new ParentReference { Group = GatewayApiKinds.Group, Kind = GatewayApiKinds.Gateway, Namespace = gateway.Namespace, Name = gateway.Name },
            ControllerName = _context.Options.GatewayControllerName,
            Conditions = conditions,
        };
    }

    private static bool IsService(PolicyTargetReference target) => target.Group is "" or "core" && target.Kind == "Service";

    /// <summary>1 when a targetRef names the port by sectionName, 0 when it names the whole Service, -1 when none selects it.</summary>
    private static int Specificity(BackendTlsPolicy policy, string service, V1ServicePort port)
    {
        var best = -1;
        foreach (var target in policy.Spec.TargetRefs)
        {
            if (!IsService(target) || target.Name != service)
            {
                continue;
            }

            if (string.IsNullOrEmpty(target.SectionName))
            {
                best = Math.Max(best, 0);
            }
            else if (target.SectionName == port.Name)
            {
                best = 1;
            }
        }

        return best;
    }

    private static string PortName(V1ServicePort port) => string.IsNullOrEmpty(port.Name) ? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : port.Name;

    private Evaluation Evaluate(BackendTlsPolicy policy)
    {
        var owner = CompileContext.RefOf(policy);
        var generation = policy.Metadata.Generation ?? 0;
        var validation = policy.Spec.Validation;
        // resolvedReason null: the references resolve and the policy is refused for what it says (Accepted False).
        Evaluation Fail(string acceptedReason, string? resolvedReason, string field, string message)
        {
            _context.Error(DiagnosticCodes.GatewayBackendTlsPolicyInvalid, resolvedReason ?? acceptedReason, owner, field,
                message + "; calls to the Services it targets get 500");
            return new Evaluation(policy, null, null,
                resolvedReason is null ? True(ResolvedRefs, "ResolvedRefs", "all references resolved", generation) : False(ResolvedRefs, resolvedReason, message, generation),
                False(Accepted, acceptedReason, message, generation));
        }

        var refs = validation.CaCertificateRefs ?? [];
        var wellKnown = validation.WellKnownCaCertificates;
        if (refs.Count > 0 && !string.IsNullOrEmpty(wellKnown))
        {
            return Fail("Invalid", null, "spec.validation", "caCertificateRefs and wellKnownCACertificates are exclusive");
        }

        if (!string.IsNullOrEmpty(wellKnown) && wellKnown != "System")
        {
            return Fail("Invalid", null, "spec.validation.wellKnownCACertificates", $"wellKnownCACertificates {wellKnown} is not supported (System is)");
        }

        if (refs.Count == 0 && string.IsNullOrEmpty(wellKnown))
        {
            return Fail("Invalid", null, "spec.validation", "one of caCertificateRefs or wellKnownCACertificates is required");
        }

        var sans = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < (validation.SubjectAltNames?.Count ?? 0); i++)
        {
            var san = validation.SubjectAltNames![i];
            switch (san.Type)
            {
                case "Hostname" when !string.IsNullOrEmpty(san.Hostname):
                    sans.Add("DNS:" + san.Hostname);
                    break;
                case "URI" when !string.IsNullOrEmpty(san.Uri):
                    sans.Add("URI:" + san.Uri);
                    break;
                default:
                    return Fail("Invalid", null, $"spec.validation.subjectAltNames[{i}]", $"subjectAltName type {san.Type} needs its {(san.Type == "URI" ? "uri" : "hostname")} (types: Hostname, URI)");
            }
        }

        var roots = ImmutableArray.CreateBuilder<PemCertificate>();
        var invalid = new List<(string Reason, string Message, string Field)>();
        for (var i = 0; i < refs.Count; i++)
        {
            var reference = refs[i];
            var field = $"spec.validation.caCertificateRefs[{i}]";
            var key = new ObjectKey(owner.Namespace, reference.Name);
            if (reference.Group is not (null or "" or "core") || reference.Kind is not ("ConfigMap" or "Secret"))
            {
                invalid.Add(("InvalidKind", $"caCertificateRef {(string.IsNullOrEmpty(reference.Group) ? "" : reference.Group + "/")}{reference.Kind} {reference.Name} is not a ConfigMap or Secret (core group)", field));
                continue;
            }

            var (ca, caProblem) = reference.Kind == "ConfigMap"
                ? PemMaterial.ReadCa(_context.ConfigMaps.GetValueOrDefault(key), key, DiagnosticCodes.GatewayBackendTlsPolicyInvalid)
                : PemMaterial.ReadCa(_context.Secrets.GetValueOrDefault(key), key, DiagnosticCodes.GatewayBackendTlsPolicyInvalid);
            if (ca is null)
            {
                invalid.Add(("InvalidCACertificateRef", $"caCertificateRef {reference.Kind} {key}: {caProblem!.Message}", field));
                continue;
            }

            roots.Add(ca);
        }

        if (invalid.Count > 0)
        {
            // The spec: ResolvedRefs False on any invalid ref, Accepted False (NoValidCACertificate) only when all are;
            // like Traefik, the connections fail in both cases rather than trusting fewer CAs than written.
            var (reason, message, field) = invalid[0];
            foreach (var (otherReason, otherMessage, otherField) in invalid.Skip(1))
            {
                _context.Error(DiagnosticCodes.GatewayBackendTlsPolicyInvalid, otherReason, owner, otherField, otherMessage);
            }

            var result = Fail("NoValidCACertificate", reason, field, message);
            return invalid.Count < refs.Count ? result with { Accepted = True(Accepted, "Accepted", "policy accepted; an invalid caCertificateRef makes its connections fail", generation) } : result;
        }

        var id = Naming.ObjectId(owner.Namespace, owner.Name) + "@" + ProviderReference.KubernetesGateway;
        var transport = ServersTransportConfig.Default with
        {
            ServerName = validation.Hostname,
            RootCas = roots.ToImmutable(),
            PeerCertSans = sans.Count > 0 ? sans.ToImmutable() : default,
        };
        return new Evaluation(policy, id, transport,
            True(ResolvedRefs, "ResolvedRefs", "all references resolved", generation),
            True(Accepted, "Accepted", $"TLS to the targeted Services with SNI {validation.Hostname}", generation));
    }
}
