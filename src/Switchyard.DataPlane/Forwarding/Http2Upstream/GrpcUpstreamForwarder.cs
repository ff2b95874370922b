using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Metrics;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Forwards one call from Kestrel to an h2c backend over a pooled multiplexed connection: headers, the body streamed
/// both ways within flow control, trailers. <see cref="SendAsync"/> is the data plane's path (YarpBackendForwarder
/// takes it for h2c servers when the switch is on): it reports failures as YARP's forwarder does (a
/// <see cref="ForwarderError"/> and an <see cref="IForwarderErrorFeature"/>), so the classification, proxy errors,
/// retry, passive health and circuit breaker read it unchanged. <see cref="ForwardAsync"/> is the stand-alone form
/// the benches and Http2UpstreamTests use.
/// </summary>
public sealed class GrpcUpstreamForwarder(UpstreamPool pool)
{
    private const string KestrelRequestStream = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpRequestStream";
    private static readonly StreamPipeReaderOptions ReaderOptions = new(leaveOpen: true);
    private static readonly Action<object?> CancelStream = static o =>
    {
        var s = (UpstreamStream)o!;
        s.Connection?.Cancel(s, new OperationCanceledException("the call was cancelled"));
    };

    private const int MaxAttempts = 3;
    private static readonly OperationCanceledException CallOver = new("the call is over");
    private static Type? s_serverBody;

    /// <summary>Stand-alone: the client's Host passed on; a call that got no answer is answered UNAVAILABLE.</summary>
    public async Task ForwardAsync(HttpContext ctx)
    {
        var error = await SendAsync(ctx, new UpstreamServer(pool, null), CancellationToken.None);
        if (error == ForwarderError.RequestCreation && !ctx.Response.HasStarted)
        {
            ctx.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
        }
        else if (error != ForwarderError.None && !ctx.Response.HasStarted)
        {
            Unavailable(ctx, ctx.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString());
        }
    }

    /// <summary>
    /// Forwards the call to <paramref name="server"/>. <paramref name="deadline"/> ends it (RST_STREAM CANCEL) like the
    /// client going away. Returns <see cref="ForwarderError.None"/> when the backend's answer was passed on whole;
    /// otherwise sets the error feature and, when the answer had started, resets the client's stream as YARP does.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal static async ValueTask<ForwarderError> SendAsync(HttpContext ctx, UpstreamServer server, CancellationToken deadline)
    {
        var request = ctx.Request;
        var body = request.Body;
        PipeReader? ownReader = null;
        RequestBodyCounter? counter = null;
        PipeReader bodyReader;
        if (IsServerBody(body))
        {
            bodyReader = request.BodyReader;
        }
        else if (body is RequestBodyCounter { ServerReader: { } serverReader } metered)
        {
            // Metrics count the body: read the server's reader and count what is sent (no stream adapter per call).
            bodyReader = serverReader;
            counter = metered;
        }
        else
        {
            // A body a middleware replaced (retry's replay, gRPC-Web's decoder, a buffer) is read through its stream, with
            // a reader of this attempt's own: the server's cached wrapper would not see a rewound body again.
            bodyReader = ownReader = PipeReader.Create(body, ReaderOptions);
        }

        try
        {
            // A call the backend refused before processing it (REFUSED_STREAM, GOAWAY above it) goes again, as
            // SocketsHttpHandler does, when its body went whole with the headers and is still here.
            for (var attempt = 1; ; attempt++)
            {
                if (await AttemptAsync(ctx, server, bodyReader, counter, deadline, canRetry: attempt < MaxAttempts) is { } error)
                {
                    return error;
                }
            }
        }
        catch (Exception e)
        {
            // Never expected: every failure is reported as an outcome, since one thrown past the data plane's forwarder
            // goes unlogged and uncounted (passive health, retry and the access log read the outcome).
            return Fail(ctx, ctx.RequestAborted.IsCancellationRequested || deadline.IsCancellationRequested
                ? ForwarderError.RequestCanceled : ForwarderError.Request, e);
        }
        finally
        {
            if (ownReader is not null)
            {
                await ownReader.CompleteAsync();
            }
        }
    }

    /// <summary>One attempt on one stream; null when the backend refused it unseen and it may go again.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<ForwarderError?> AttemptAsync(HttpContext ctx, UpstreamServer server, PipeReader bodyReader, RequestBodyCounter? counter,
        CancellationToken deadline, bool canRetry)
    {
        var pool = server.Pool;
        var s = pool.Rent();
        UpstreamConnection conn;
        bool bodySent, held;
        ReadResult body;
        try
        {
            (conn, bodySent, held, body) = await UpstreamStreamOpener.OpenAsync(ctx, server, s, bodyReader, deadline);
        }
        catch (Exception e)
        {
            pool.Return(s);
            return Fail(ctx, UpstreamStreamOpener.OpenError(ctx, e, deadline, out var reported), reported);
        }

        var copier = bodySent ? Task.CompletedTask : SendBodyAsync(conn, s, counter is null ? bodyReader : new CountedBodyReader(bodyReader, counter));
        var aborted = ctx.RequestAborted.UnsafeRegister(CancelStream, s);
        var timedOut = deadline.CanBeCanceled ? deadline.UnsafeRegister(CancelStream, s) : default;
        ForwarderError error;
        Exception? failure;
        try
        {
            try
            {
                await s.HeadersArrived.WaitAsync();
            }
            catch (Exception e)
            {
                var refusedUnseen = e is UpstreamException { BeforeProcessing: true } && !ctx.RequestAborted.IsCancellationRequested
                    && !deadline.IsCancellationRequested;
                if (held && refusedUnseen && canRetry && ClientBodyReader.TryAdvanceTo(bodyReader, body.Buffer.Start))
                {
                    return null; // the next attempt sends the body again
                }

                Consume(bodyReader, held, body, counter);

                // No answer: the backend reset the stream or the connection broke, the request body failed, or the call
                // was cancelled (the client left, a deadline passed).
                var bodyError = await StopCopierAsync(copier, bodyReader);
                failure = bodyError is null ? e : new AggregateException(bodyError, e);
                error = bodyError is not null ? ForwarderError.RequestBodyClient
                    : ctx.RequestAborted.IsCancellationRequested || deadline.IsCancellationRequested ? ForwarderError.RequestCanceled
                    : ForwarderError.Request;
                return Fail(ctx, error, failure);
            }

            Consume(bodyReader, held, body, counter);
            ctx.Features.Get<ForwardDeadline>()?.OnResponseHeaders();
            (error, failure) = await UpstreamResponseCopy.CopyAsync(ctx, conn, s);
            if (error != ForwarderError.None)
            {
                var cancelled = error == ForwarderError.ResponseBodyCanceled || deadline.IsCancellationRequested;
                if (ctx.Response.HasStarted)
                {
                    Reset(ctx, cancelled);
                }
                else
                {
                    ctx.Response.Clear();
                }

                return Fail(ctx, error, failure);
            }

            return ForwarderError.None;
        }
        finally
        {
            // The attempt is over: registrations go before the pooled stream can be reused by another call.
            aborted.Dispose();
            timedOut.Dispose();
            conn.Cancel(s, CallOver); // a no-op unless the backend is still sending: its stream is reset
            await StopCopierAsync(copier, bodyReader);
            await s.Body.Reader.CompleteAsync();
            pool.Return(s);
        }
    }

    // The body sent with the headers is consumed once the backend took the call (or the call failed for good). A client
    // that reset its stream meanwhile leaves a reader that refuses it: the outcome is the call's, not this advance's.
    private static void Consume(PipeReader bodyReader, bool held, ReadResult body, RequestBodyCounter? counter)
    {
        if (held && ClientBodyReader.TryAdvanceTo(bodyReader, body.Buffer.End))
        {
            counter?.Counted(body.Buffer.Length);
        }
    }

    private static async Task SendBodyAsync(UpstreamConnection conn, UpstreamStream s, PipeReader body)
    {
        try
        {
            await conn.SendBodyAsync(s, body);
        }
        catch (Exception e)
        {
            conn.Cancel(s, e); // the backend must not wait for the rest of a body that will not come
            throw;
        }
    }

    /// <summary>Stops the request body's copy and returns its error, if it failed.</summary>
    private static async ValueTask<Exception?> StopCopierAsync(Task copier, PipeReader bodyReader)
    {
        if (!copier.IsCompleted)
        {
            ClientBodyReader.TryCancelPendingRead(bodyReader);
        }

        try
        {
            await copier;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static ForwarderError Fail(HttpContext ctx, ForwarderError error, Exception? exception)
    {
        ctx.Features.Set<IForwarderErrorFeature>(new UpstreamForwarderError(error, exception));
        return error;
    }

    // As YARP: a stream that broke mid-answer is reset (CANCEL when cancelled, else INTERNAL_ERROR); HTTP/1.1 aborts.
    // A gRPC deadline's ForwardDeadline stands in for the reset feature and turns it into status trailers.
    private static void Reset(HttpContext ctx, bool cancelled)
    {
        if (ctx.Features.Get<IHttpResetFeature>() is { } reset)
        {
            reset.Reset(cancelled ? (int)ErrorCode.Cancel : (int)ErrorCode.InternalError);
            return;
        }

        ctx.Abort();
    }

    private static bool IsServerBody(Stream body)
    {
        var type = body.GetType();
        if (type == s_serverBody)
        {
            return true;
        }

        if (s_serverBody is null && type.FullName == KestrelRequestStream)
        {
            s_serverBody = type;
            return true;
        }

        return false;
    }

    // A trailers-only gRPC answer: the call never reached a backend that answered it.
    private static void Unavailable(HttpContext ctx, string message)
    {
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "application/grpc";
        ctx.Response.Headers["grpc-status"] = "14";
        ctx.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
