using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Tcp;

namespace Switchyard.DataPlane.Tcp;

/// <summary>
/// The connection-level router of an entry point, run by Kestrel before TLS and HTTP (Traefik's
/// <c>pkg/server/router/tcp/router.go</c> ServeTCP). An entry point with no TCP router costs one dictionary lookup.
/// Otherwise, like Traefik:
/// <list type="number">
/// <item>cleartext TCP routers only (no TLS router, and the entry point serves no HTTPS): match at once, without
/// waiting for a first byte, so server-first protocols (MySQL, SMTP) work;</item>
/// <item>else peek the first bytes without consuming them: not a TLS ClientHello ⇒ the cleartext TCP routers, else HTTP;</item>
/// <item>a ClientHello ⇒ a TLS router whose rule is more than HostSNI(`*`) (SNI, ALPN, ClientIP), else HTTPS when the
/// entry point serves it, else the TLS HostSNI(`*`) catch-all. ACME TLS-ALPN-01 handshakes always go to HTTPS.</item>
/// </list>
/// A passthrough router copies the untouched bytes (ClientHello included) to the backend; a terminating one runs
/// the TLS handshake with the table's certificates first. Departure: an HTTPS router claiming the same SNI does not
/// win over a TCP router (Traefik prefers the HTTPS one); give them different names.
/// </summary>
public sealed partial class TcpEntryPointRouter
{
    private static readonly ConditionalWeakTable<CompiledTable, TcpRuntime> Runtimes = new();

    private readonly TableHolder _tables;
    private readonly string _entryPoint;
    private readonly bool _servesHttps;
    private readonly TcpMiddlewareState _state;
    private readonly ILogger _logger;

    public TcpEntryPointRouter(TableHolder tables, string entryPoint, bool servesHttps, TcpMiddlewareState state, ILogger logger)
    {
        _tables = tables;
        _entryPoint = entryPoint;
        _servesHttps = servesHttps;
        _state = state;
        _logger = logger;
    }

    /// <summary>How long to wait for the first bytes when they decide between TCP and HTTP.</summary>
    public TimeSpan PeekTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => connection => RouteAsync(connection, next);

    private async Task RouteAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var compiled = _tables.Current;
        var section = compiled.Table.Tcp;
        if (section.Routers.IsEmpty)
        {
            await next(connection);
            return;
        }

        var routes = Runtimes.GetValue(compiled, t => new TcpRuntime(t.Table.Tcp, _state)).For(_entryPoint);
        if (routes.IsEmpty)
        {
            await next(connection);
            return;
        }

        var remote = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        if (routes.HasCleartext && !routes.HasTls && !_servesHttps)
        {
            var info = new TcpConnectionInfo("", remote, []);
            if (routes.MatchCleartext(info) is { } direct)
            {
                await ServeAsync(connection, direct, remote, sni: null);
                return;
            }
        }

        var hello = await PeekAsync(connection);
        if (hello is null)
        {
            connection.Abort();
            return;
        }

        var connectionInfo = new TcpConnectionInfo(hello.ServerName, remote, hello.AlpnProtocols);
        if (!hello.IsTls)
        {
            if (routes.MatchCleartext(connectionInfo) is { } cleartext)
            {
                await ServeAsync(connection, cleartext, remote, sni: null);
                return;
            }

            await next(connection);
            return;
        }

        if (hello.AlpnProtocols.Contains("acme-tls/1"))
        {
            await next(connection);
            return;
        }

        var route = routes.MatchTlsSpecific(connectionInfo) ?? (_servesHttps ? null : routes.MatchTlsCatchAll(connectionInfo));
        if (route is not null)
        {
            await ServeAsync(connection, route, remote, hello.ServerName);
            return;
        }

        await next(connection);
    }

    /// <summary>The first TLS record (or the first bytes of something else), nothing consumed; null when the client left or stayed silent.</summary>
    private async Task<ClientHello?> PeekAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(PeekTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var buffer = result.Buffer;
            var hello = ClientHello.TryRead(buffer);
            // Consume nothing: whoever serves the connection reads the same bytes.
            input.AdvanceTo(buffer.Start, hello is null ? buffer.End : buffer.Start);
            if (hello is not null)
            {
                return hello;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return buffer.IsEmpty ? null : ClientHello.NotTls;
            }

            if (buffer.Length >= ClientHello.MaxRecord)
            {
                return new ClientHello(true, "", []);
            }
        }
    }

    private async Task ServeAsync(ConnectionContext connection, TcpRoute route, IPAddress? remote, string? sni)
    {
        var entered = 0;
        try
        {
            foreach (var middleware in route.Middlewares)
            {
                if (!middleware.Enter(remote))
                {
                    LogRefused(_logger, route.Router.Name, remote);
                    connection.Abort();
                    return;
                }

                entered++;
            }

            await ForwardAsync(connection, route, sni);
        }
        finally
        {
            for (var i = 0; i < entered; i++)
            {
                route.Middlewares[i].Leave(remote);
            }
        }
    }

    private async Task ForwardAsync(ConnectionContext connection, TcpRoute route, string? sni)
    {
        var backend = route.Balancer.Next();
        // Not cancelled by ConnectionClosed: Kestrel fires it at the client's FIN, and a client that sends its request
        // then FIN at once (netcat -N) must still be forwarded (Traefik dials regardless of the client). The dial is
        // bounded by dialTimeout; a client that went away ends the copies that follow.
        var socket = backend is null ? null : await TcpForwarder.DialAsync(backend, CancellationToken.None);
        if (socket is null)
        {
            LogDialFailed(_logger, route.Router.Name, backend?.Address ?? "(no server)");
            connection.Abort();
            return;
        }

        var clientPipe = new DuplexPipeStream(connection.Transport);
        Stream client = clientPipe;
        Stream server = new NetworkStream(socket, ownsSocket: false);
        // Kestrel closes both directions when its output pipe completes, so the bytes for the client (the backend's, or
        // TLS records of them when the route terminates TLS) go straight to the client's socket (nothing else writes
        // there): the backend's FIN becomes close_notify and a half-close, and the client can go on sending
        // (pkg/tcp/proxy.go CloseWrite, also under TLS termination). Reads stay on the pipe, which holds the peeked bytes.
        var clientSocket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (clientSocket is not null)
        {
            clientPipe.WriteTo(clientSocket);
        }

        try
        {
            if (route.Router.Tls is { Passthrough: false })
            {
                var ssl = new SslStream(clientPipe, leaveInnerStreamOpen: true);
                var options = _tables.Current.Tls.Select(sni);
                await ssl.AuthenticateAsServerAsync(options, connection.ConnectionClosed);
                client = ssl;
            }

            if (backend!.Transport.ProxyProtocolVersion is { } version)
            {
                var header = ProxyProtocolHeader.Create(version, connection.RemoteEndPoint as IPEndPoint, connection.LocalEndPoint as IPEndPoint);
                await server.WriteAsync(header);
            }

            if (backend.Tls)
            {
                // Not cancelled by ConnectionClosed either, for the same reason as the dial (Traefik's tcpTLSDialer
                // handshakes regardless of the client, pkg/tcp/dialer.go); bounded by dialTimeout instead.
                using var handshake = new CancellationTokenSource();
                if (backend.Transport.DialTimeout > TimeSpan.Zero)
                {
                    handshake.CancelAfter(backend.Transport.DialTimeout);
                }

                server = await TcpForwarder.AuthenticateBackendAsync(server, backend, handshake.Token);
            }

            var clientStream = client;
            await TcpForwarder.PipeAsync(
                client,
                async () =>
                {
                    if (clientStream is SslStream tls)
                    {
                        await tls.ShutdownAsync();
                    }

                    if (clientSocket is not null)
                    {
                        clientSocket.Shutdown(SocketShutdown.Send);
                        return;
                    }

                    clientPipe.CompleteOutput();
                },
                server,
                socket,
                backend.Transport.TerminationDelay);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or SocketException)
        {
            LogTlsFailed(_logger, route.Router.Name, ex.Message);
        }
        finally
        {
            socket.Dispose();
            await server.DisposeAsync();
            if (client is SslStream ssl)
            {
                await ssl.DisposeAsync();
            }
        }
    }

    [LoggerMessage(EventId = 5301, Level = LogLevel.Debug, Message = "TCP router {Router}: connection from {Client} refused by a MiddlewareTCP")]
    private static partial void LogRefused(ILogger logger, string router, IPAddress? client);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Debug, Message = "TCP router {Router}: cannot connect to {Server}")]
    private static partial void LogDialFailed(ILogger logger, string router, string server);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Debug, Message = "TCP router {Router}: connection ended: {Reason}")]
    private static partial void LogTlsFailed(ILogger logger, string router, string reason);
}
