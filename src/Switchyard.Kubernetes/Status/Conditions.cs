using Switchyard.Model.Diagnostics;
using Switchyard.Model.Traefik;

namespace Switchyard.Kubernetes.Status;

/// <summary>Condition types and reasons Switchyard writes (Kubernetes conventions: CamelCase, positive polarity).</summary>
public static class Conditions
{
    public const string Accepted = "Accepted";
    public const string ResolvedRefs = "ResolvedRefs";
    public const string Ready = "Ready";

    public const string ReasonAccepted = "Accepted";
    public const string ReasonResolvedRefs = "ResolvedRefs";

    /// <summary>Accepted, with a lenient case applied or a field ignored (the message lists the warnings).</summary>
    public const string ReasonAcceptedWithWarnings = "AcceptedWithWarnings";
    public const string ReasonReady = "Ready";
    public const string ReasonRoutesNotServed = "RoutesNotServed";
    public const string ReasonInvalid = "Invalid";

    /// <summary>
    /// Whether a diagnostic is about a reference that does not resolve (missing or forbidden object, no endpoints)
    /// rather than about the object's own content.
    /// </summary>
    public static bool IsReferenceProblem(Diagnostic d) =>
        d.Reason.Contains("NotFound", StringComparison.Ordinal) ||
        d.Reason.Contains("NotAllowed", StringComparison.Ordinal) ||
        d.Reason.Contains("NoEndpoints", StringComparison.Ordinal) ||
        d.Code is DiagnosticCodes.MiddlewareNotFound or DiagnosticCodes.ServiceNotFound or DiagnosticCodes.ServicePortNotFound
            or DiagnosticCodes.TraefikServiceNotFound or DiagnosticCodes.CrossNamespaceNotAllowed or DiagnosticCodes.ServiceHasNoEndpoints
            or DiagnosticCodes.ExternalNameNotAllowed;

    /// <summary>Same condition, ignoring lastTransitionTime (what decides whether a write is needed).</summary>
    public static bool SameAs(this StatusCondition a, StatusCondition b) =>
        a.Type == b.Type && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message && a.ObservedGeneration == b.ObservedGeneration;

    public static bool SameConditions(IReadOnlyList<StatusCondition>? a, IReadOnlyList<StatusCondition>? b)
    {
        a ??= [];
        b ??= [];
        return a.Count == b.Count && a.Zip(b).All(p => p.First.SameAs(p.Second));
    }

    /// <summary>Keeps lastTransitionTime from the current condition when the status did not flip.</summary>
    public static StatusCondition WithTransitionTime(StatusCondition desired, IReadOnlyList<StatusCondition>? current, DateTimeOffset now)
    {
        var previous = current?.FirstOrDefault(c => c.Type == desired.Type);
        return desired with
        {
            LastTransitionTime = previous is not null && previous.Status == desired.Status && previous.LastTransitionTime is not null
                ? previous.LastTransitionTime
                : now,
        };
    }
}
