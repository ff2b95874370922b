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
/// Passes the backend's answer to the caller: status and headers (hop-by-hop ones dropped, as YARP does), the body
/// flushed chunk by chunk with the stream's window reopened as it goes, then the trailers.
/// </summary>
internal static class UpstreamResponseCopy
{
    private static readonly System.Reflection.Assembly KestrelAssembly = typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<(ForwarderError, Exception?)> CopyAsync(HttpContext ctx, UpstreamConnection conn, UpstreamStream s)
    {
        var resp = ctx.Response;
        resp.StatusCode = s.Status;
        var headers = resp.Headers;
        foreach (var h in s.Headers)
        {
            if (!ForwardedRequestHeaders.Skipped(h.Key))
            {
                headers.Append(h.Key, h.Value);
            }
        }

        var reader = s.Body.Reader;
        var output = resp.BodyWriter;
        ReadResult r;
        try
        {
            if (!reader.TryRead(out r))
            {
                if (!await StartAsync(resp))
                {
                    return (ForwarderError.ResponseBodyClient, new IOException("the client went away"));
                }

                r = await reader.ReadAsync();
            }

            while (true)
            {
                var buf = r.Buffer;
                var n = (int)buf.Length;
                if (!Write(output, buf))
                {
                    return (ForwarderError.ResponseBodyClient, new IOException("the client went away"));
                }

                reader.AdvanceTo(buf.End);
                if (r.IsCompleted)
                {
                    break;
                }

                if (n > 0)
                {
                    var flushed = await FlushAsync(output);
                    if (flushed is not null)
                    {
                        return (ForwarderError.ResponseBodyClient, flushed);
                    }

                    conn.Consumed(s, n);
                }

                r = await reader.ReadAsync();
            }
        }
        catch (Exception e)
        {
            // The backend's side broke (reset, connection lost) or the call was cancelled (client gone, deadline).
            return (ctx.RequestAborted.IsCancellationRequested || e is OperationCanceledException
                ? ForwarderError.ResponseBodyCanceled : ForwarderError.ResponseBodyDestination, e);
        }

        if (s.Trailers.Count > 0 && resp.SupportsTrailers())
        {
            foreach (var t in s.Trailers)
            {
                resp.AppendTrailer(t.Key, t.Value);
            }
        }

        // The server's own writer sends what is left with the trailers when the call completes (one write); a writer a
        // middleware put in its place (gRPC-Web, a byte counter, a buffer) is flushed, or its last bytes could come late.
        if (!WritesToServer(ctx) && await FlushAsync(output) is { } last)
        {
            return (ForwarderError.ResponseBodyClient, last);
        }

        return (ForwarderError.None, null);
    }

    private static async ValueTask<bool> StartAsync(HttpResponse resp)
    {
        try
        {
            await resp.StartAsync(); // nothing to send yet (a stream that starts quietly): headers go now
            return true;
        }
        catch (Exception) when (resp.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
    }

    private static bool Write(PipeWriter output, ReadOnlySequence<byte> buf)
    {
        try
        {
            foreach (var segment in buf)
            {
                output.Write(segment.Span);
            }

            return true;
        }
        catch (Exception)
        {
            return false; // the client's side is closed
        }
    }

    // Null when flushed; the reason when the client side failed.
    private static async ValueTask<Exception?> FlushAsync(PipeWriter output)
    {
        try
        {
            var f = await output.FlushAsync();
            return f.IsCanceled || f.IsCompleted ? new IOException("the client went away") : null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    // The response body goes straight to the server (perhaps through metrics' byte counter, which holds nothing back).
    private static bool WritesToServer(HttpContext ctx)
    {
        var feature = ctx.Features.Get<IHttpResponseBodyFeature>();
        if (feature is ResponseBodyCounter counted)
        {
            feature = counted.Inner;
        }

        return feature is not null && feature.GetType().Assembly == KestrelAssembly;
    }
}
