using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Switchyard.TestKit;

/// <summary>gRPC channels over TLS to a listener on 127.0.0.1 that send a chosen SNI and trust one root only.</summary>
public static class TlsChannels
{
    /// <summary>
    /// h2 over TLS to 127.0.0.1:<paramref name="port"/> with <paramref name="sni"/> as the host name. The server's chain
    /// must lead to <paramref name="root"/> (intermediates as the server sent them); <paramref name="seen"/> gets the leaf.
    /// </summary>
    public static GrpcChannel Create(int port, string sni, X509Certificate2 root, Action<X509Certificate2>? seen = null)
    {
        var handler = new SocketsHttpHandler
        {
            // Resolve every name to the listener so the client sends the SNI we want.
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, sent, _) =>
                {
                    if (cert is null)
                    {
                        return false;
                    }

                    var leaf = X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
                    seen?.Invoke(leaf);
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    if (sent is not null)
                    {
                        foreach (var element in sent.ChainElements)
                        {
                            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                        }
                    }

                    return chain.Build(leaf);
                },
            },
        };
        return GrpcChannel.ForAddress($"https://{sni}:{port}", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
