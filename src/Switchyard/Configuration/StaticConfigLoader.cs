using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Switchyard.DataPlane.EntryPoints;
using Switchyard.Routing;
using Switchyard.Routing.Compiler;
using Switchyard.Configuration.StaticYaml;
using YamlDotNet.Core;

namespace Switchyard.Configuration;

/// <summary>A static config that cannot be used; the message names the file, line and key.</summary>
public sealed class StaticConfigException(string message) : Exception(message);

/// <summary>The static configuration, read and checked, in the shapes the data plane and compiler use.</summary>
/// <param name="ManifestDirectory">Absolute folder of the file provider, null when not configured.</param>
public sealed record LoadedStaticConfig(
    StaticConfig Raw,
    ImmutableArray<EntryPointOptions> EntryPoints,
    ProviderOptions Provider,
    string? ManifestDirectory,
    Microsoft.Extensions.Logging.LogLevel LogLevel)
{
    /// <summary>certificatesResolvers, with defaults applied and paths made absolute.</summary>
    public ImmutableArray<Switchyard.DataPlane.Acme.AcmeResolverOptions> Resolvers { get; init; } = [];

    /// <summary>providers.file.watch: reload the manifest folder on change (Traefik's default: true).</summary>
    public bool WatchManifests { get; init; } = true;

    /// <summary>providers.file.maxFiles / maxTotalBytes / maxFileBytes: the folder's bounds, used by run and validate alike.</summary>
    public Switchyard.Model.Loading.FolderLimits FolderLimits { get; init; } = Switchyard.Model.Loading.FolderLimits.Default;

    /// <summary>metrics.prometheus, checked; null when metrics are off.</summary>
    public Switchyard.DataPlane.Metrics.MetricsOptions? Metrics { get; init; }

    /// <summary>accessLog, checked; null when access logs are off.</summary>
    public Switchyard.DataPlane.AccessLog.AccessLogOptions? AccessLog { get; init; }

    /// <summary>tracing, checked; null when tracing is off.</summary>
    public Switchyard.DataPlane.Tracing.TracingOptions? Tracing { get; init; }

    /// <summary>api; null when the API and dashboard are off.</summary>
    public Switchyard.DataPlane.Api.ApiOptions? Api { get; init; }

    /// <summary>providers.kubernetesGateway.statusAddress, checked; null when not set (Gateway addresses are not written).</summary>
    public Switchyard.Kubernetes.GatewayStatusAddress? GatewayStatusAddress { get; init; }
}

/// <summary>Reads switchyard.yaml strictly: unknown keys and bad values are errors, never ignored.</summary>
public static class StaticConfigLoader
{
    public static LoadedStaticConfig Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new StaticConfigException($"{path}: static config file not found");
        }

        var text = File.ReadAllText(full);
        // Keys and values are checked first, in the config's own words (key path, did-you-mean, file:line:col);
        // every finding is reported at once.
        var findings = StaticConfigKeyCheck.Check(text, path);
        if (findings.Count > 0)
        {
            throw new StaticConfigException(string.Join(Environment.NewLine, findings));
        }

        StaticConfig raw;
        try
        {
            // Unmatched properties throw: a typo in a key is reported, not ignored.
            raw = StaticConfigYaml.Read(text) ?? new StaticConfig();
        }
        catch (YamlException ex)
        {
            // Only what the check above cannot see gets here; the inner exception would name .NET types.
            throw new StaticConfigException($"{ex.Message} at {path}:{ex.Start.Line}:{ex.Start.Column}");
        }

        return Interpret(raw, Path.GetDirectoryName(full)!, path);
    }

    public static LoadedStaticConfig Interpret(StaticConfig raw, string baseDirectory, string fileName)
    {
        if (raw.EntryPoints.Count == 0)
        {
            throw new StaticConfigException($"{fileName}: entryPoints: at least one entry point is required");
        }

        var entryPoints = ImmutableArray.CreateBuilder<EntryPointOptions>();
        foreach (var (name, ep) in raw.EntryPoints.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var where = $"{fileName}: entryPoints.{name}";
            if (ep.Admin && ep.Tls is not null)
            {
                throw new StaticConfigException($"{where}: the admin entry point is cleartext (tls is not supported there)");
            }

            var age = Duration(ep.Transport.MaxConnectionAge, $"{where}.transport.maxConnectionAge");
            var grace = Duration(ep.Transport.MaxConnectionAgeGrace, $"{where}.transport.maxConnectionAgeGrace");
            var ping = Duration(ep.Http2.KeepAlivePingDelay, $"{where}.http2.keepAlivePingDelay");
            if (ep.Http2.MaxConcurrentStreams < 1)
            {
                throw new StaticConfigException($"{where}.http2.maxConcurrentStreams: must be at least 1");
            }

            var (address, udp) = Protocol(ep.Address, $"{where}.address");
            if (udp && (ep.Admin || ep.Tls is not null))
            {
                throw new StaticConfigException($"{where}: a UDP entry point serves IngressRouteUDP only (admin and tls are not supported there)");
            }

            entryPoints.Add(new EntryPointOptions
            {
                ForwardedHeaders = ForwardedHeaders(ep.ForwardedHeaders, $"{where}.forwardedHeaders"),
                Name = name,
                Endpoint = Address(address, $"{where}.address"),
                Udp = udp ? Udp(ep.Udp, $"{where}.udp") : null,
                ProxyProtocol = ep.ProxyProtocol is { } pp
                    ? new Switchyard.DataPlane.EntryPoints.ProxyProtocol.ProxyProtocolOptions { Insecure = pp.Insecure, TrustedIPs = TrustedIPs(pp.TrustedIPs, $"{where}.proxyProtocol") }
                    : null,
                // http.tls makes every router of the entry point a TLS router, so the listener speaks TLS (Traefik's
                // entry points serve both; here an entry point is TLS or cleartext).
                Tls = ep.Tls is not null || ep.Http?.Tls is not null,
                MaxHeaderBytes = ep.Http?.MaxHeaderBytes,
                Admin = ep.Admin,
                IdleTimeout = Positive(Duration(ep.Transport.RespondingTimeouts.IdleTimeout, $"{where}.transport.respondingTimeouts.idleTimeout"), TimeSpan.FromDays(1)),
                ReadHeaderTimeout = Positive(Duration(ep.Transport.RespondingTimeouts.ReadHeaderTimeout, $"{where}.transport.respondingTimeouts.readHeaderTimeout"), TimeSpan.FromMinutes(5)),
                MaxConcurrentStreams = ep.Http2.MaxConcurrentStreams,
                InitialStreamWindowSize = ep.Http2.InitialStreamWindowSize,
                InitialConnectionWindowSize = ep.Http2.InitialConnectionWindowSize,
                KeepAlivePingDelay = ping > TimeSpan.Zero ? ping : null,
                KeepAlivePingTimeout = Positive(Duration(ep.Http2.KeepAlivePingTimeout, $"{where}.http2.keepAlivePingTimeout"), TimeSpan.FromSeconds(20)),
                MaxConnectionAge = age > TimeSpan.Zero ? age : null,
                MaxConnectionAgeGrace = grace > TimeSpan.Zero ? grace : null,
                ShutdownGrace = Duration(ep.Transport.LifeCycle.GraceTimeOut, $"{where}.transport.lifeCycle.graceTimeOut"),
            });
        }

        var routed = entryPoints.Where(e => !e.Admin && e.Udp is null).Select(e => e.Name).ToImmutableArray();
        var udpEntryPoints = entryPoints.Where(e => e.Udp is not null).Select(e => e.Name).ToImmutableArray();
        var crd = raw.Providers.KubernetesCRD ?? new KubernetesCrdProviderConfig();
        var provider = new ProviderOptions
        {
            AllowCrossNamespace = crd.AllowCrossNamespace,
            AllowExternalNameServices = crd.AllowExternalNameServices,
            AllowEmptyServices = crd.AllowEmptyServices,
            NativeLBByDefault = crd.NativeLBByDefault,
            Ingress = IngressOptions(raw.Providers.KubernetesIngress),
            // Traefik: a route without entryPoints is served on the asDefault entry points, or on all when none is.
            DefaultEntryPoints = EntryPointHttpReader.DefaultEntryPoints(raw, routed, fileName),
            KnownEntryPoints = routed.AddRange(udpEntryPoints),
            EntryPointModels = EntryPointHttpReader.Models(raw, fileName),
            // Traefik: an IngressRouteUDP without entryPoints is served on every UDP entry point.
            UdpEntryPoints = udpEntryPoints,
            // Gateway listeners are served on the entry point with their port (Traefik's entryPointName).
            EntryPointPorts = [.. entryPoints.Where(e => !e.Admin && e.Udp is null).Select(e => new EntryPointPort(e.Name, e.Endpoint.Port, e.Tls))],
            GatewayControllerName = raw.Providers.KubernetesGateway is { ControllerName.Length: > 0 } gateway
                ? gateway.ControllerName
                : Switchyard.Model.GatewayApi.GatewayApiKinds.DefaultControllerName,
        };

        string? manifests = null;
        if (raw.Providers.File is { } file)
        {
            if (string.IsNullOrWhiteSpace(file.Directory))
            {
                throw new StaticConfigException($"{fileName}: providers.file.directory: a folder is required");
            }

            manifests = Path.GetFullPath(Path.Combine(baseDirectory, file.Directory));
            if (!Directory.Exists(manifests))
            {
                throw new StaticConfigException($"{fileName}: providers.file.directory: folder '{manifests}' does not exist");
            }
        }

        return new LoadedStaticConfig(raw, entryPoints.ToImmutable(), provider, manifests, LogLevel(raw.Log.Level, fileName))
        {
            WatchManifests = raw.Providers.File?.Watch ?? true,
            FolderLimits = FolderLimitsOf(raw.Providers.File, fileName),
            Resolvers = Resolvers(raw, baseDirectory, fileName, entryPoints),
            Metrics = MetricsConfigReader.Read(raw.Metrics, fileName, entryPoints, baseDirectory),
            AccessLog = AccessLogConfigReader.Read(raw.AccessLog, baseDirectory, fileName),
            Api = ApiConfigReader.Read(raw, fileName, entryPoints),
            Tracing = TracingConfigReader.Read(raw.Tracing, fileName, baseDirectory),
            GatewayStatusAddress = GatewayStatusAddressReader.Read(raw.Providers.KubernetesGateway, fileName),
        };
    }

    /// <summary>providers.kubernetesIngress's translation options (they apply to a folder's Ingresses too).</summary>
    private static IngressProviderOptions IngressOptions(KubernetesIngressProviderConfig? ingress) => ingress is null
        ? IngressProviderOptions.Default
        : new IngressProviderOptions
        {
            IngressClass = ingress.IngressClass,
            AllowEmptyServices = ingress.AllowEmptyServices,
            AllowExternalNameServices = ingress.AllowExternalNameServices,
            NativeLBByDefault = ingress.NativeLBByDefault,
            StrictPrefixMatching = ingress.StrictPrefixMatching,
        };

    private static Switchyard.Model.Loading.FolderLimits FolderLimitsOf(FileProviderConfig? file, string fileName)
    {
        var defaults = Switchyard.Model.Loading.FolderLimits.Default;
        if (file is null)
        {
            return defaults;
        }

        long Positive(long? value, long fallback, string key) => value switch
        {
            null => fallback,
            > 0 => value.Value,
            _ => throw new StaticConfigException($"{fileName}: providers.file.{key}: must be greater than 0, got {value}"),
        };

        return new Switchyard.Model.Loading.FolderLimits(
            (int)Positive(file.MaxFiles, defaults.MaxFiles, "maxFiles"),
            Positive(file.MaxTotalBytes, defaults.MaxTotalBytes, "maxTotalBytes"),
            Positive(file.MaxFileBytes, defaults.MaxFileBytes, "maxFileBytes"));
    }

    private static Switchyard.DataPlane.EntryPoints.ForwardedHeadersOptions ForwardedHeaders(ForwardedHeadersConfig raw, string where)
    {
        return new Switchyard.DataPlane.EntryPoints.ForwardedHeadersOptions
        {
            Insecure = raw.Insecure,
            TrustedIPs = TrustedIPs(raw.TrustedIPs, where),
            NotAppendXForwardedFor = raw.NotAppendXForwardedFor,
            AddXForwardedSchemeHeaders = raw.AddXForwardedSchemeHeaders,
        };
    }

    /// <summary>forwardedHeaders.trustedIPs and proxyProtocol.trustedIPs: IPs or CIDRs, each error named by its index.</summary>
    private static ImmutableArray<System.Net.IPNetwork> TrustedIPs(List<string> raw, string where)
    {
        var trusted = ImmutableArray.CreateBuilder<System.Net.IPNetwork>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            trusted.Add(Switchyard.Routing.Table.IpRanges.TryParse(raw[i], out var network, out var error)
                ? network
                : throw new StaticConfigException($"{where}.trustedIPs[{i}]: {error}"));
        }

        return trusted.DrainToImmutable();
    }

    /// <summary>api: Traefik serves it on its own "traefik" entry point when insecure; here that is an admin entry point.</summary>
    private static ImmutableArray<Switchyard.DataPlane.Acme.AcmeResolverOptions> Resolvers(
        StaticConfig raw, string baseDirectory, string fileName, IEnumerable<EntryPointOptions> entryPoints)
    {
        var result = ImmutableArray.CreateBuilder<Switchyard.DataPlane.Acme.AcmeResolverOptions>();
        foreach (var (name, resolver) in raw.CertificatesResolvers.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var where = $"{fileName}: certificatesResolvers.{name}.acme";
            if (resolver.Acme is not { } acme)
            {
                throw new StaticConfigException($"{fileName}: certificatesResolvers.{name}: only acme resolvers are supported");
            }

            if (acme.HttpChallenge is null && acme.TlsChallenge is null)
            {
                throw new StaticConfigException($"{where}: choose a challenge: httpChallenge.entryPoint or tlsChallenge");
            }

            if (acme.HttpChallenge is { } http && !entryPoints.Any(e => e.Name == http.EntryPoint && !e.Tls && !e.Admin))
            {
                throw new StaticConfigException($"{where}.httpChallenge.entryPoint: '{http.EntryPoint}' is not a cleartext entry point");
            }

            if (acme.KeyType is not ("EC256" or "EC384" or "RSA2048" or "RSA4096"))
            {
                throw new StaticConfigException($"{where}.keyType: '{acme.KeyType}' (EC256, EC384, RSA2048, RSA4096)");
            }

            if (acme.AccountKeyType is not ("EC256" or "RSA2048" or "RSA4096"))
            {
                throw new StaticConfigException($"{where}.accountKeyType: '{acme.AccountKeyType}' (EC256, RSA2048, RSA4096)");
            }

            result.Add(new Switchyard.DataPlane.Acme.AcmeResolverOptions
            {
                Name = name,
                Email = acme.Email,
                CaServer = acme.CaServer ?? Switchyard.DataPlane.Acme.AcmeResolverOptions.LetsEncryptProduction,
                Storage = Path.GetFullPath(Path.Combine(baseDirectory, acme.Storage)),
                KeyType = acme.KeyType,
                AccountKeyType = acme.AccountKeyType,
                HttpChallengeEntryPoint = acme.HttpChallenge?.EntryPoint,
                TlsChallenge = acme.TlsChallenge is not null,
                RenewBefore = Duration(acme.RenewBefore, $"{where}.renewBefore"),
                CheckInterval = Positive(Duration(acme.CheckInterval, $"{where}.checkInterval"), TimeSpan.FromHours(1)),
                CaCertificates = [.. acme.CaCertificates.Select(f => Path.GetFullPath(Path.Combine(baseDirectory, f)))],
            });
        }

        return result.ToImmutable();
    }

    /// <summary>Traefik's "address/protocol": ":5353/udp"; no suffix or "/tcp" is TCP (static.EntryPoint.GetProtocol).</summary>
    private static (string Address, bool Udp) Protocol(string text, string where)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return (text, false);
        }

        return text[(slash + 1)..].ToLowerInvariant() switch
        {
            "tcp" => (text[..slash], false),
            "udp" => (text[..slash], true),
            var other => throw new StaticConfigException($"{where}: '{other}' is not a protocol (tcp or udp) in '{text}'"),
        };
    }

    private static Switchyard.DataPlane.Udp.UdpEntryPointSettings Udp(UdpConfig raw, string where)
    {
        var timeout = Duration(raw.Timeout, $"{where}.timeout");
        if (timeout <= TimeSpan.Zero)
        {
            // Traefik refuses it too (pkg/udp/conn.go: "timeout should be greater than zero").
            throw new StaticConfigException($"{where}.timeout: must be greater than zero");
        }

        return raw.MaxSessions < 1
            ? throw new StaticConfigException($"{where}.maxSessions: must be at least 1")
            : new Switchyard.DataPlane.Udp.UdpEntryPointSettings(timeout, raw.MaxSessions);
    }

    private static IPEndPoint Address(string text, string where)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
        {
            throw new StaticConfigException($"{where}: '{text}' is not an address like \":8000\" or \"127.0.0.1:8000\"");
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new StaticConfigException($"{where}: '{host}' is not an IP address");
    }

    private static TimeSpan Duration(string text, string where) =>
        GoDuration.TryParse(text, out var value) && value >= TimeSpan.Zero
            ? value
            : throw new StaticConfigException($"{where}: '{text}' is not a duration like \"30s\" or \"2m\"");

    private static TimeSpan Positive(TimeSpan value, TimeSpan whenZero) => value > TimeSpan.Zero ? value : whenZero;

    private static Microsoft.Extensions.Logging.LogLevel LogLevel(string level, string fileName) => level.ToUpperInvariant() switch
    {
        "TRACE" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "DEBUG" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "INFO" or "INFORMATION" => Microsoft.Extensions.Logging.LogLevel.Information,
        "WARN" or "WARNING" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "ERROR" => Microsoft.Extensions.Logging.LogLevel.Error,
        "FATAL" or "PANIC" or "CRITICAL" => Microsoft.Extensions.Logging.LogLevel.Critical,
        _ => throw new StaticConfigException($"{fileName}: log.level: '{level}' is not one of DEBUG, INFO, WARN, ERROR"),
    };
}
