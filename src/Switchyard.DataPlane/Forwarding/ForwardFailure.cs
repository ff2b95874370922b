using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding;

/// <summary>
/// Who caused a failed forward, read from YARP's error report. Only what the backend caused may count against it
/// (passive health, circuitBreaker, retry); a finished answer is a success whatever YARP reports afterwards, and a
/// malformed request body is the caller's own fault.
/// </summary>
public static class ForwardFailure
{
    /// <summary>
    /// The backend's answer was copied whole (headers, body, trailers) and only the request body's copy failed
    /// afterwards: YARP's last step reports that error without touching the response, and unlike its failure paths
    /// (which wrap the body error with the request or response error in an AggregateException) it reports the body
    /// copy's own exception. Typical: a backend answering at once (UNIMPLEMENTED, a trailers-only status) and closing
    /// the stream before the request body was sent.
    /// </summary>
    public static bool ResponseCompleted(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.RequestBodyClient or ForwarderError.RequestBodyDestination or ForwarderError.RequestBodyCanceled }
        && error.Exception is not AggregateException;

    /// <summary>
    /// The caller's request body could not be read because it is malformed (bad chunked encoding, a body over the
    /// size limit, invalid grpc-web-text base64): the caller's error (400 / INTERNAL), never the backend's.
    /// </summary>
    public static bool ClientCaused(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.Request or ForwarderError.RequestCanceled }
        && IsMalformedBody(error.Exception);

    private static bool IsMalformedBody(Exception? exception)
    {
        if (exception is null)
        {
            return false;
        }

        if (exception is BadHttpRequestException or InvalidDataException)
        {
            return true;
        }

        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                if (IsMalformedBody(inner))
                {
                    return true;
                }
            }

            return false;
        }

        return IsMalformedBody(exception.InnerException);
    }
}

/// <summary>
/// Marks a call the proxy answered with the caller's own error (a malformed request): counted by no health
/// state (passive health checks, circuitBreaker). Set only on that error path.
/// </summary>
public sealed class ClientFaultFeature
{
    public static readonly ClientFaultFeature Instance = new();

    private ClientFaultFeature()
    {
    }

    public static bool IsSet(HttpContext context) => context.Features.Get<ClientFaultFeature>() is not null;
}
