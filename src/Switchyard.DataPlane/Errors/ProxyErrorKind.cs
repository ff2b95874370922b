namespace Switchyard.DataPlane.Errors;

/// <summary>Why the proxy itself answers a request. Each maps to an HTTP status and a gRPC status (REFERENCE.md §1).</summary>
public enum ProxyErrorKind
{
    /// <summary>No router matched: 404 / UNIMPLEMENTED (12).</summary>
    NoRoute,
    /// <summary>No healthy server, or an explicit 503 service: 503 / UNAVAILABLE (14).</summary>
    Unavailable,
    /// <summary>Connecting to or talking to the backend failed: 502 / UNAVAILABLE (14).</summary>
    BadGateway,
    /// <summary>A deadline (grpc-timeout, response header timeout) passed: 504 / DEADLINE_EXCEEDED (4).</summary>
    DeadlineExceeded,
    /// <summary>rateLimit / inFlightReq: 429 / RESOURCE_EXHAUSTED (8).</summary>
    ResourceExhausted,
    /// <summary>ipAllowList: 403 / PERMISSION_DENIED (7).</summary>
    PermissionDenied,
    /// <summary>basicAuth / digestAuth / forwardAuth: 401 / UNAUTHENTICATED (16).</summary>
    Unauthenticated,
    /// <summary>The request is malformed for the proxy: 400 / INTERNAL (13).</summary>
    BadRequest,
}
