using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// Connects to a backend and copies bytes both ways (Traefik <c>pkg/tcp/proxy.go</c>): dial timeout and TCP
/// keep-alive from the ServersTransportTCP, PROXY protocol header first when asked, TLS to the backend when the
/// service says so. When one side ends its writing half the other side's writing half is closed too, and the
/// remaining direction gets terminationDelay to finish before both are closed. Buffers come from the shared pool;
/// a slow reader stops the copy (a write that cannot complete is not followed by another read): backpressure.
/// </summary>
internal static class TcpForwarder
{
    private const int BufferSize = 64 * 1024;

    /// <summary>A connected socket, or null when the dial failed or timed out.</summary>
    public static async Task<Socket?> DialAsync(TcpBackend backend, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var keepAlive = backend.Transport.DialKeepAlive;
            if (keepAlive >= TimeSpan.Zero)
            {
                var seconds = Math.Max(1, (int)(keepAlive == TimeSpan.Zero ? 15 : keepAlive.TotalSeconds));
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, seconds);
            }

            using var dial = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (backend.Transport.DialTimeout > TimeSpan.Zero)
            {
                dial.CancelAfter(backend.Transport.DialTimeout);
            }

            await socket.ConnectAsync(backend.Host, backend.Port, dial.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ArgumentException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>TLS towards the backend (ServiceTCP.tls), verified with the transport's settings.</summary>
    public static async Task<SslStream> AuthenticateBackendAsync(Stream network, TcpBackend backend, CancellationToken ct)
    {
        var tls = backend.Transport.Tls;
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls?.ServerName ?? backend.Host,
        };
        if (tls?.PeerCertSans is { Length: > 0 } sans)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                Forwarding.PeerCertSans.Validate(certificate, errors, tls.RootCAs, tls.InsecureSkipVerify, sans);
        }
        else if (tls?.InsecureSkipVerify == true)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (tls is { RootCAs.Length: > 0 })
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
            foreach (var ca in tls.RootCAs)
            {
                policy.CustomTrustStore.AddRange(ca.Certificates.ToArray());
            }

            options.CertificateChainPolicy = policy;
        }

        if (tls is { Certificates.Length: > 0 })
        {
            options.ClientCertificates = [tls.Certificates[0].Certificate];
        }

        await ssl.AuthenticateAsClientAsync(options, ct);
        return ssl;
    }

    /// <summary>Copies both ways until both directions ended (or terminationDelay ran out after the first one did).</summary>
    /// <param name="closeClientWrite">Ends the client's receiving direction (TLS close_notify, then FIN).</param>
    /// <remarks>
    /// No cancellation token: Kestrel fires ConnectionClosed as soon as the client's FIN is read, which would cut the
    /// backend's answer to a half-closed client. Each copy ends by itself (end of stream, reset, or the backend
    /// socket disposed when terminationDelay ran out), and a client that resets completes the input pipe.
    /// </remarks>
    public static async Task PipeAsync(Stream client, Func<ValueTask> closeClientWrite, Stream server, Socket serverSocket,
        TimeSpan terminationDelay)
    {
        var toServer = CopyAsync(client, server, () => CloseServerWrite(server, serverSocket));
        var toClient = CopyAsync(server, client, closeClientWrite);
        var first = await Task.WhenAny(toServer, toClient);
        var other = first == toServer ? toClient : toServer;
        if (terminationDelay != Timeout.InfiniteTimeSpan)
        {
            try
            {
                await other.WaitAsync(terminationDelay < TimeSpan.Zero ? TimeSpan.Zero : terminationDelay);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Traefik's terminationDelay: the other direction had its time.
            }
        }
        else
        {
            await other;
        }

        serverSocket.Dispose();
        await Task.WhenAll(toServer, toClient);
    }

    private static async ValueTask CloseServerWrite(Stream server, Socket socket)
    {
        if (server is SslStream ssl)
        {
            await ssl.ShutdownAsync();
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task CopyAsync(Stream from, Stream to, Func<ValueTask> closeWrite)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                await to.WriteAsync(buffer.AsMemory(0, read));
            }

            await closeWrite();
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The peer reset or went away, or the other direction closed everything: this direction is over.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
