using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Middlewares.Errors;

/// <summary>
/// Stands in for the response body. On the first write, flush or start it looks at the status: one of the
/// middleware's statuses and the service's answer is swallowed (the error page replaces it); any other status
/// and everything goes straight through, unbuffered. Also failover's gate on the main service's answer, which judges a
/// gRPC answer by its trailers-only grpc-status (<paramref name="grpcAware"/>, see <see cref="GrpcHttpStatus.OfAnswer"/>).
/// </summary>
internal sealed class ErrorResponseGate(HttpResponse response, IHttpResponseBodyFeature inner, StatusRanges statuses, bool grpcAware = false)
    : GatedResponseBody(inner)
{
    private bool _decided;

    /// <summary>The answer had one of the statuses: it was swallowed.</summary>
    public bool Caught { get; private set; }

    /// <summary>Decide now (after the service returned without writing a body).</summary>
    public bool Decide()
    {
        if (!_decided)
        {
            _decided = true;
            Caught = statuses.Contains(grpcAware ? GrpcHttpStatus.OfAnswer(response.HttpContext) : response.StatusCode);
        }

        return Caught;
    }

    protected override bool Swallow() => Decide();
}
