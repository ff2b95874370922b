using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Switchyard.DataPlane.Tests.Core;
using Switchyard.TestKit;

namespace Switchyard.DataPlane.Tests.Tcp;

/// <summary>Half-close through a TCP route, both ways (Traefik pkg/tcp/proxy.go closes only the write half).</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class TcpHalfCloseTests
{
    [Test]
    public async Task The_backend_ends_its_half_first_and_still_receives_what_the_client_sends_after(CancellationToken ct)
    {
        var (listener, received, backend) = GreetThenRead(ct);
        using var _ = listener;
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: greet, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  services: [{name: greeter, port: tcp}]
            """, ("greeter", ((IPEndPoint)listener.LocalEndpoint).Port)));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(gateway.Web, ct);
        var greeting = await ReadToEndAsync(client, ct);
        Assert.That(greeting, Is.EqualTo("hello, then FIN"), "the backend's FIN reached the client as the end of its stream");

        await client.SendAsync("sent after the backend's FIN"u8.ToArray(), ct);
        client.Shutdown(SocketShutdown.Send);
        await backend.WaitAsync(TimeSpan.FromSeconds(20), ct);
        Assert.That(received.ToString(), Is.EqualTo("sent after the backend's FIN"));
    }

    [Test]
    public async Task Under_tls_termination_the_backends_FIN_is_a_half_close_too(CancellationToken ct)
    {
        var (listener, received, backend) = GreetThenRead(ct);
        using var _ = listener;
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServer(ca, "term.tcp.test");
        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile(TestCertificates.TlsSecretManifest("term-cert", certificate) + """

            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: greet, namespace: default}
            spec:
              entryPoints: [websecure]
              routes:
                - match: HostSNI(`term.tcp.test`)
                  services: [{name: greeter, port: tcp, terminationDelay: 30000}]
              tls: {secretName: term-cert}
            """, ("greeter", ((IPEndPoint)listener.LocalEndpoint).Port)));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(gateway.WebSecure, ct);
        await using var tls = new SslStream(new NetworkStream(client, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "term.tcp.test",
            // TLS 1.3: close_notify ends one direction only (RFC 8446 6.1), as a FIN does.
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, ct);
        var greeting = await ReadToEndAsync(tls, ct);
        Assert.That(greeting, Is.EqualTo("hello, then FIN"), "the backend's FIN reached the client as close_notify");

        await tls.WriteAsync("sent after the backend's FIN"u8.ToArray(), ct);
        await tls.ShutdownAsync();
        client.Shutdown(SocketShutdown.Send);
        await backend.WaitAsync(TimeSpan.FromSeconds(20), ct);
        Assert.That(received.ToString(), Is.EqualTo("sent after the backend's FIN"));
    }

    [Test]
    public async Task The_client_ends_its_half_first_and_still_receives_the_answer_the_backend_writes_after_that_FIN(CancellationToken ct)
    {
        // The backend answers only once it has read the client's FIN (request, then shutdown(SHUT_WR), as
        // netcat -N or an HTTP/1.0 client does): the answer must travel back through the half-open connection.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var backend = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync(ct);
            var request = await ReadToEndAsync(peer, ct);
            await peer.SendAsync(Encoding.ASCII.GetBytes("after your FIN: " + request), ct);
            peer.Shutdown(SocketShutdown.Send);
        }, ct);

        await using var gateway = await Gateway.StartAsync();
        // A long terminationDelay, so that only a cut at the client's FIN (not a slow machine) can lose the answer.
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: answer, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  services: [{name: answerer, port: tcp, terminationDelay: 30000}]
            """, ("answerer", ((IPEndPoint)listener.LocalEndpoint).Port)));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(gateway.Web, ct);
        await client.SendAsync("all I have"u8.ToArray(), ct);
        client.Shutdown(SocketShutdown.Send);

        Assert.That(await ReadToEndAsync(client, ct), Is.EqualTo("after your FIN: all I have"), "the answer came back, then the backend's FIN");
        await backend.WaitAsync(TimeSpan.FromSeconds(20), ct);
    }

    [Test]
    public async Task A_client_that_sends_its_request_and_FIN_at_once_is_forwarded_over_TLS_to_the_backend(CancellationToken ct)
    {
        // The backend starts its TLS handshake only once the client has sent its request and FIN, so the gateway reads
        // that FIN while it handshakes with the backend: the handshake must not be cancelled by it (as the dial is not).
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.IssueServer(ca, "tls.backend.test");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var clientDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backend = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync(ct);
            await clientDone.Task.WaitAsync(ct);
            await using var tls = new SslStream(new NetworkStream(peer, ownsSocket: false));
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, ct);
            var request = new byte["all I have".Length];
            await tls.ReadExactlyAsync(request, ct);
            await tls.WriteAsync(Encoding.ASCII.GetBytes("over TLS: " + Encoding.ASCII.GetString(request)), ct);
            await tls.ShutdownAsync();
            peer.Shutdown(SocketShutdown.Send);
        }, ct);

        await using var gateway = await Gateway.StartAsync();
        gateway.Apply(TcpTestPeers.Compile("""
            apiVersion: traefik.io/v1alpha1
            kind: ServersTransportTCP
            metadata: {name: st, namespace: default}
            spec:
              tls: {insecureSkipVerify: true}
            ---
            apiVersion: traefik.io/v1alpha1
            kind: IngressRouteTCP
            metadata: {name: answer, namespace: default}
            spec:
              entryPoints: [web]
              routes:
                - match: HostSNI(`*`)
                  services: [{name: answerer, port: tcp, tls: true, serversTransport: st, terminationDelay: 30000}]
            """, ("answerer", ((IPEndPoint)listener.LocalEndpoint).Port)));

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(gateway.Web, ct);
        await client.SendAsync("all I have"u8.ToArray(), ct);
        client.Shutdown(SocketShutdown.Send);
        clientDone.SetResult();

        Assert.That(await ReadToEndAsync(client, ct), Is.EqualTo("over TLS: all I have"), "forwarded after the FIN, the answer came back");
        await backend.WaitAsync(TimeSpan.FromSeconds(20), ct);
    }

    /// <summary>A backend that greets, closes its writing half, then reads everything the client sends until the client's FIN.</summary>
    private static (TcpListener Listener, StringBuilder Received, Task Backend) GreetThenRead(CancellationToken ct)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var received = new StringBuilder();
        var backend = Task.Run(async () =>
        {
            using var peer = await listener.AcceptSocketAsync(ct);
            await peer.SendAsync("hello, then FIN"u8.ToArray(), ct);
            peer.Shutdown(SocketShutdown.Send);
            var buffer = new byte[256];
            int read;
            while ((read = await peer.ReceiveAsync(buffer, ct)) > 0)
            {
                lock (received)
                {
                    received.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }
        }, ct);
        return (listener, received, backend);
    }

    private static Task<string> ReadToEndAsync(Socket socket, CancellationToken ct) => ReadToEndAsync(buffer => socket.ReceiveAsync(buffer, ct));

    private static Task<string> ReadToEndAsync(Stream stream, CancellationToken ct) => ReadToEndAsync(buffer => stream.ReadAsync(buffer, ct));

    private static async Task<string> ReadToEndAsync(Func<Memory<byte>, ValueTask<int>> receive)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        int read;
        while ((read = await receive(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
