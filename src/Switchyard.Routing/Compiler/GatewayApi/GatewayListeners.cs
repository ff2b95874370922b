using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using static Switchyard.Routing.Compiler.GatewayApi.GatewayConditions;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>A listener of one of our Gateways, as resolved: its entry point, what it admits, and its status so far.</summary>
internal sealed class ResolvedListener(Listener spec)
{
    public Listener Spec { get; } = spec;

    /// <summary>The entry point it is served on; null when none has its port.</summary>
    public string? EntryPoint { get; set; }

    /// <summary>Valid and served: routes may attach to it.</summary>
    public bool Attached { get; set; }

    public List<GatewayCondition> Conditions { get; } = [];

    public List<RouteGroupKind> SupportedKinds { get; } = [];

    /// <summary>Route namespaces allowed (Same: the Gateway's; Selector: those whose labels match); null ⇒ all.</summary>
    public IReadOnlySet<string>? AllowedNamespaces { get; set; }

    public int AttachedRoutes { get; set; }

    public bool IsHttps => Spec.Protocol == "HTTPS";

    public bool Allows(string routeKind, string routeNamespace) =>
        SupportedKinds.Any(k => k.Kind == routeKind) && (AllowedNamespaces is null || AllowedNamespaces.Contains(routeNamespace));
}

/// <summary>A Gateway of one of our GatewayClasses with its resolved listeners.</summary>
internal sealed record ResolvedGateway(Gateway Gateway, ResourceRef Ref, long Generation, List<ResolvedListener> Listeners);

/// <summary>
/// GatewayClasses and Gateways → listeners on entry points (Traefik's loadGatewayListeners,
/// pkg/provider/kubernetes/gateway/kubernetes.go): the entry point by port (an HTTP listener skips TLS entry points),
/// allowedRoutes (namespaces Same/All/Selector, kinds), one listener per protocol/port/hostname, HTTPS with Terminate and
/// Secret certificateRefs (other namespaces through a ReferenceGrant). Each problem goes in the listener's conditions
/// with the spec's reason, and in a diagnostic on the Gateway field.
/// </summary>
internal sealed class GatewayListeners(CompileContext context, TlsProcessor tls, ReferenceGrants grants)
{
    private static readonly string[] HttpKinds = [GatewayApiKinds.HttpRoute, GatewayApiKinds.GrpcRoute];

    public List<ResolvedGateway> Resolve(IReadOnlySet<string> ourClasses)
    {
        var result = new List<ResolvedGateway>();
        foreach (var gateway in context.Snapshot.Gateways
            .OrderBy(g => CompileContext.NamespaceOf(g.Metadata), StringComparer.Ordinal).ThenBy(g => g.Metadata.Name, StringComparer.Ordinal))
        {
            if (!ourClasses.Contains(gateway.Spec.GatewayClassName))
            {
                continue; // another controller's Gateway (or a class that does not exist): not ours to report on.
            }

            var owner = CompileContext.RefOf(gateway);
            var generation = gateway.Metadata.Generation ?? 0;
            var listeners = new List<ResolvedListener>();
            var seen = new HashSet<(string, int, string)>();
            for (var i = 0; i < gateway.Spec.Listeners.Count; i++)
            {
                var listener = new ResolvedListener(gateway.Spec.Listeners[i]);
                listeners.Add(listener);
                Resolve(gateway, owner, generation, listener, $"spec.listeners[{i}]", seen);
            }

            result.Add(new ResolvedGateway(gateway, owner, generation, listeners));
        }

        return result;
    }

    private void Resolve(Gateway gateway, ResourceRef owner, long generation, ResolvedListener listener, string field,
        HashSet<(string, int, string)> seen)
    {
        var spec = listener.Spec;
        void Fail(string type, string reason, string message, string subField)
        {
            listener.Conditions.Add(False(type, reason, message, generation));
            context.Error(DiagnosticCodes.GatewayListenerInvalid, reason, owner, field + subField, $"listener {spec.Name}: {message}");
        }

        if (spec.Protocol is not ("HTTP" or "HTTPS"))
        {
            Fail(Accepted, "UnsupportedProtocol", $"protocol {spec.Protocol} is not supported (HTTP and HTTPS are)", ".protocol");
            return;
        }

        var entryPoint = context.Options.EntryPointPorts.FirstOrDefault(e => e.Port == spec.Port && !(spec.Protocol == "HTTP" && e.Tls));
        if (entryPoint is null)
        {
            Fail(Accepted, "PortUnavailable", $"no entry point listens on port {spec.Port} for {spec.Protocol} (entry points: " +
                string.Join(", ", context.Options.EntryPointPorts.Select(e => $"{e.Name} :{e.Port}{(e.Tls ? " TLS" : "")}")) + ")", ".port");
            return;
        }

        listener.EntryPoint = entryPoint.Name;
        listener.SupportedKinds.AddRange(HttpKinds.Select(k => new RouteGroupKind { Group = GatewayApiKinds.Group, Kind = k }));
        var from = spec.AllowedRoutes?.Namespaces?.From ?? "Same";
        switch (from)
        {
            case "Same":
                listener.AllowedNamespaces = new HashSet<string>(StringComparer.Ordinal) { owner.Namespace };
                break;
            case "All":
                listener.AllowedNamespaces = null;
                break;
            case "Selector":
                // Traefik's allowedNamespaces: the (watched) Namespaces whose labels match; a Namespace relabelled is
                // a new snapshot, so attachment follows its labels.
                if (NamespaceSelector.Parse(spec.AllowedRoutes!.Namespaces!.Selector, out var invalid) is not { } selector)
                {
                    Fail(ResolvedRefs, "InvalidRouteNamespacesSelector", $"invalid allowedRoutes.namespaces.selector: {invalid}", ".allowedRoutes.namespaces.selector");
                    return;
                }

                listener.AllowedNamespaces = context.Snapshot.Namespaces
                    .Where(n => n.Metadata?.Name is not null && selector.Matches(n.Metadata.Labels))
                    .Select(n => n.Metadata.Name)
                    .ToHashSet(StringComparer.Ordinal);
                break;
            default:
                Fail(ResolvedRefs, "InvalidRouteNamespaces", $"allowedRoutes.namespaces.from {from} is not supported (Same, All and Selector are)", ".allowedRoutes.namespaces.from");
                return;
        }

        if (spec.AllowedRoutes?.Kinds is { Count: > 0 } kinds)
        {
            var allowed = new List<RouteGroupKind>();
            var invalid = false;
            foreach (var kind in kinds)
            {
                if ((kind.Group ?? GatewayApiKinds.Group) == GatewayApiKinds.Group && HttpKinds.Contains(kind.Kind))
                {
                    if (allowed.All(k => k.Kind != kind.Kind))
                    {
                        allowed.Add(new RouteGroupKind { Group = GatewayApiKinds.Group, Kind = kind.Kind });
                    }
                }
                else
                {
                    invalid = true;
                    Fail(ResolvedRefs, "InvalidRouteKinds", $"protocol {spec.Protocol} does not support route kind {kind.Group}/{kind.Kind}", ".allowedRoutes.kinds");
                }
            }

            listener.SupportedKinds.Clear();
            listener.SupportedKinds.AddRange(allowed);
            if (invalid)
            {
                return;
            }
        }

        if (!seen.Add((spec.Protocol, spec.Port, spec.Hostname ?? "")))
        {
            listener.Conditions.Add(True(Conflicted, "HostnameConflict", "another listener has the same protocol, port and hostname", generation));
            context.Error(DiagnosticCodes.GatewayListenerInvalid, "HostnameConflict", owner, field, $"listener {spec.Name}: another listener has the same protocol, port and hostname");
            return;
        }

        if (spec.Protocol == "HTTP")
        {
            if (spec.Tls is not null)
            {
                Fail(Accepted, "InvalidTLSConfiguration", "an HTTP listener takes no tls", ".tls");
                return;
            }
        }
        else if (!ResolveCertificates(gateway, owner, generation, listener, field, Fail))
        {
            listener.Conditions.Add(False(Programmed, "Invalid", "invalid certificateRefs", generation));
            return;
        }

        listener.Attached = true;
    }

    private bool ResolveCertificates(Gateway gateway, ResourceRef owner, long generation, ResolvedListener listener, string field,
        Action<string, string, string, string> fail)
    {
        var spec = listener.Spec;
        if (spec.Tls is null)
        {
            fail(Accepted, "InvalidTLSConfiguration", "an HTTPS listener needs tls with certificateRefs", ".tls");
            return false;
        }

        if (spec.Tls.Mode is "Passthrough")
        {
            fail(Accepted, "UnsupportedProtocol", "HTTPS with TLS mode Passthrough is not supported", ".tls.mode");
            return false;
        }

        if (spec.Tls.CertificateRefs is not { Count: > 0 } refs)
        {
            fail(ResolvedRefs, "InvalidCertificateRef", "one certificateRef is required in Terminate mode", ".tls.certificateRefs");
            return false;
        }

        var ok = true;
        for (var i = 0; i < refs.Count; i++)
        {
            var certificate = refs[i];
            var at = $".tls.certificateRefs[{i}]";
            if ((certificate.Group ?? "") != "" || (certificate.Kind ?? "Secret") != "Secret")
            {
                fail(ResolvedRefs, "InvalidCertificateRef", $"certificateRef {certificate.Group}/{certificate.Kind} is not a Secret", at);
                ok = false;
                continue;
            }

            var ns = string.IsNullOrEmpty(certificate.Namespace) ? owner.Namespace : certificate.Namespace;
            if (!grants.Allows(GatewayApiKinds.Gateway, owner.Namespace, "", "Secret", certificate.Name, ns))
            {
                fail(ResolvedRefs, "RefNotPermitted", $"Secret {ns}/{certificate.Name} is in another namespace and no ReferenceGrant allows it", at);
                ok = false;
                continue;
            }

            if (tls.AddToDefaultStore(ns, certificate.Name, out var problem) is null)
            {
                fail(ResolvedRefs, "InvalidCertificateRef", problem?.Message ?? $"Secret {ns}/{certificate.Name} has no usable certificate", at);
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>The status of a resolved Gateway (Traefik's makeGatewayStatus, with the spec's reasons).</summary>
    public static GatewayStatus Status(ResolvedGateway gateway)
    {
        var generation = gateway.Generation;
        var listeners = new List<ListenerStatus>();
        foreach (var listener in gateway.Listeners)
        {
            var conditions = listener.Conditions.Count > 0
                ? listener.Conditions.ToList()
                :
                [
                    True(Accepted, "Accepted", "listener accepted", generation),
                    True(ResolvedRefs, "ResolvedRefs", "all references resolved", generation),
                    True(Programmed, "Programmed", $"served on entry point {listener.EntryPoint}", generation),
                ];
            listeners.Add(new ListenerStatus
            {
                Name = listener.Spec.Name,
                SupportedKinds = [.. listener.SupportedKinds],
                AttachedRoutes = listener.AttachedRoutes,
                Conditions = conditions,
            });
        }

        var valid = gateway.Listeners.Count(l => l.Attached);
        var all = gateway.Listeners.Count;
        List<GatewayCondition> gatewayConditions = valid == all
            ? [True(Accepted, "Accepted", "all listeners are valid", generation), True(Programmed, "Programmed", "served by Switchyard", generation)]
            : valid > 0
                ? [True(Accepted, "ListenersNotValid", $"{all - valid} of {all} listeners are not valid", generation), True(Programmed, "Programmed", "the valid listeners are served", generation)]
                : [False(Accepted, "ListenersNotValid", "no listener is valid", generation), False(Programmed, "Invalid", "no listener is served", generation)];
        return new GatewayStatus { Conditions = gatewayConditions, Listeners = listeners };
    }
}
