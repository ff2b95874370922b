namespace Switchyard.Model.Diagnostics;

/// <summary>
/// How bad a diagnostic is. Errors disable what they belong to; warnings never do. Most severe first (Error is 0):
/// select problems with <c>is Severity.Error or Severity.Warning</c>, not with <c>&gt;=</c>.
/// </summary>
public enum Severity
{
    Error,
    Warning,
    Info,
}

/// <summary>Identity of a Kubernetes object, as diagnostics, status and Events name it.</summary>
/// <param name="Kind">Kind as written in the manifest (IngressRoute, Middleware, Service, ...).</param>
/// <param name="Namespace">Namespace ("default" when a manifest omits it).</param>
/// <param name="Name">metadata.name.</param>
public sealed record ResourceRef(string Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>Where an object or field was read from. Line and column are 1-based.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// One finding about the input. Diagnostics are data: the compiler and the loaders return them, and status
/// conditions, Events, logs and `switchyard validate` all render these same records.
/// </summary>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Code">Stable code printed by the CLI, e.g. SY104 (see <see cref="DiagnosticCodes"/>).</param>
/// <param name="Reason">Stable CamelCase reason used in status conditions, e.g. MiddlewareNotFound.</param>
/// <param name="Resource">The object the finding belongs to (null for a whole-file problem).</param>
/// <param name="Field">JSON path of the field inside the object, e.g. spec.routes[1].middlewares[0].</param>
/// <param name="Message">A sentence a user understands.</param>
/// <param name="Location">File, line and column when the object came from a file.</param>
public sealed record Diagnostic(
    Severity Severity,
    string Code,
    string Reason,
    ResourceRef? Resource,
    string? Field,
    string Message,
    SourceLocation? Location = null)
{
    /// <summary>The CLI form: <c>file:line:col: error SY104: message</c>.</summary>
    public string Format()
    {
        var where = Location is null ? (Resource?.ToString() ?? "<input>") : Location.ToString();
        var sev = Severity switch { Severity.Error => "error", Severity.Warning => "warning", _ => "info" };
        var subject = Resource is null || Location is null ? "" : $" [{Resource}{(Field is null ? "" : " " + Field)}]";
        return $"{where}: {sev} {Code}: {Message}{subject}";
    }
}
