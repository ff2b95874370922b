using System.Collections.Frozen;
using Switchyard.Model.Diagnostics;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// The one place that lists the CRD fields the compiler does not map into the table (key: <c>ModelType.jsonName</c>):
/// fields accepted with a warning that they are not applied, fields whose presence refuses their object, and fields
/// a source reads before compiling. Every other field of the model is mapped: ModelFieldsConsumedTests proves from the
/// compiler's IL that each field is read and checks these lists against the model (the walk does not go below an
/// entry: the fields inside a refused or warned object share its fate). Implementing a field means removing its entry
/// here (and its warning or refusal).
/// </summary>
public static class ModelFieldUse
{
    /// <summary>Fields whose presence refuses the object or the routes using it, with the diagnostic code.</summary>
    public static readonly FrozenDictionary<string, (string Code, string Reason)> Refused = new Dictionary<string, (string, string)>
    {
        ["ServersTransportSpec.spiffe"] = (DiagnosticCodes.ServersTransportSpiffeUnsupported, "no SPIFFE Workload API client"),
        ["TlsClientConfig.spiffe"] = (DiagnosticCodes.ServersTransportInvalid, "no SPIFFE Workload API client"),
        ["MiddlewareSpec.tap"] = (DiagnosticCodes.MiddlewareUnsupported, "the tap middleware is not implemented"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Fields a source reads before the compiler sees the objects.</summary>
    public static readonly FrozenDictionary<string, string> ReadBySource = new Dictionary<string, string>
    {
        ["IngressRouteSpec.ingressClassName"] = "the Kubernetes source keeps only the routes of its ingress class (ObjectConverters.RouteClass)",
        ["IngressRouteTcpSpec.ingressClassName"] = "the Kubernetes source keeps only the routes of its ingress class (ObjectConverters.RouteClass)",
        ["IngressRouteUdpSpec.ingressClassName"] = "the Kubernetes source keeps only the routes of its ingress class (ObjectConverters.RouteClass)",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, (string Code, string Reason)> NotApplied = new Dictionary<string, (string, string)>
    {
        ["TlsOptionSpec.curvePreferences"] = (DiagnosticCodes.TlsFieldNotApplied,
            ".NET's SslStream has no per-connection key-exchange group list (SslServerAuthenticationOptions and CipherSuitesPolicy set versions and suites only); the process-wide OpenSSL groups apply"),
        ["TlsOptionSpec.preferServerCipherSuites"] = (DiagnosticCodes.TlsFieldNotApplied,
            "deprecated and ineffective in Traefik too (Go ignores it since 1.18)"),
        ["Failover.healthCheck"] = (DiagnosticCodes.TraefikServiceInvalid,
            "a failover always reports its health to parent services, whether healthCheck is set or not"),
        ["ClientTlsWithCaOptional.caOptional"] = (DiagnosticCodes.MiddlewareDeprecated,
            "deprecated and without effect in Traefik v3 (client certificate verification is a server-side setting)"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Warns that <paramref name="key"/> (an entry of <see cref="NotApplied"/>) is set on <paramref name="owner"/> and not applied.</summary>
    internal static void Warn(CompileContext context, string key, ResourceRef owner, string field)
    {
        var (code, reason) = NotApplied[key];
        var name = key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];
        context.Warning(code, "FieldNotApplied", owner, field, $"{name} is accepted but not applied: {reason}");
    }
}
