using Switchyard.Model.Diagnostics;

namespace Switchyard.Routing.Compiler;

/// <summary>
/// A finding about a reference, reported where the reference is written (a route, a TraefikService child,
/// a chain entry). Shared results (a Kubernetes Service port resolved once for many routes) carry problems
/// rather than diagnostics, so every referencing object gets its own diagnostic with its own field path.
/// </summary>
internal sealed record Problem(Severity Severity, string Code, string Reason, string Message, string? SubField = null)
{
    public static Problem Error(string code, string reason, string message, string? subField = null) =>
        new(Severity.Error, code, reason, message, subField);

    public static Problem Warning(string code, string reason, string message, string? subField = null) =>
        new(Severity.Warning, code, reason, message, subField);
}
