namespace Switchyard.Model.Diagnostics;

/// <summary>
/// The registry of stable diagnostic codes. Code ranges: SY0xx loading/parsing, SY1xx routes and rules,
/// SY2xx services and servers, SY3xx middlewares, SY4xx TLS and transports, SY5xx data plane, SY6xx
/// Kubernetes source, SY7xx ACME. Add new codes here; never renumber.
/// </summary>
public static class DiagnosticCodes
{
    // Loading
    public const string YamlSyntax = "SY001";
    public const string UnknownField = "SY002";
    public const string UnknownKind = "SY003";
    public const string InvalidValue = "SY004";
    public const string MissingField = "SY005";
    public const string DuplicateObject = "SY006";
}
