using System.Collections.Immutable;
using k8s.Models;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.Loading;
using Switchyard.Model.Traefik;

namespace Switchyard.Model;

/// <summary>
/// Reads Kubernetes manifests (multi-document YAML, JSON objects, <c>kind: List</c>) into a <see cref="ClusterSnapshot"/>,
/// keeping the file, line and column of every object and field. Pure except for reading the files it is given.
/// Problems become diagnostics in <see cref="ClusterSnapshot.LoadDiagnostics"/>; a bad object is dropped, the rest kept.
/// </summary>
public static class ManifestLoader
{
    /// <summary>Loads files and directories (recursively: *.yaml, *.yml, *.json; hidden entries skipped).</summary>
    public static ClusterSnapshot LoadFiles(IEnumerable<string> paths)
    {
        var files = new List<LoadedFile>();
        var diagnostics = new List<Diagnostic>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var listing = ManifestFolderWalk.List(path);
                diagnostics.AddRange(listing.Diagnostics);
                files.AddRange(listing.Files.Select(p => ParseFile(p)));
            }
            else if (File.Exists(path))
            {
                files.Add(ParseFile(path));
            }
            else
            {
                diagnostics.Add(Unreadable(path, "no such file or directory"));
            }
        }

        return Build(files, diagnostics);
    }

    /// <summary>Loads manifest text; <paramref name="fileName"/> names it in locations (.json ⇒ JSON, else YAML).</summary>
    public static ClusterSnapshot LoadText(string text, string fileName) => Build([ParseText(text, fileName)]);

    /// <summary>Manifest files under a directory, as <see cref="ManifestFolderWalk"/> lists them (its diagnostics dropped).</summary>
    public static IReadOnlyList<string> EnumerateManifestFiles(string directory) => ManifestFolderWalk.List(directory).Files;

    /// <summary>
    /// Reads and parses one file; an unreadable file gives an SY007 error and no objects, a file over
    /// <paramref name="maxBytes"/> (default <see cref="ManifestLimits.DefaultMaxFileBytes"/>) an SY010 error.
    /// </summary>
    public static LoadedFile ParseFile(string path, long? maxBytes = null)
    {
        var text = ReadBounded(path, maxBytes ?? ManifestLimits.DefaultMaxFileBytes, out var problem);
        return text is null ? new LoadedFile(path, [], [problem!]) : ParseText(text, path);
    }

    /// <summary>
    /// The file's text (invalid UTF-8 becomes U+FFFD), or null with the reason: unreadable, or larger than
    /// <paramref name="maxBytes"/> — checked on the open handle, and the read stops there whatever the file grew to.
    /// </summary>
    public static string? ReadBounded(string path, long maxBytes, out Diagnostic? problem)
    {
        problem = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.CanSeek && stream.Length > maxBytes)
            {
                problem = TooLarge(path, stream.Length, maxBytes);
                return null;
            }

            using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[Math.Min(maxBytes + 1, 1 << 16)];
            var text = new System.Text.StringBuilder();
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                text.Append(buffer, 0, read);
                if (text.Length > maxBytes)
                {
                    problem = TooLarge(path, text.Length, maxBytes);
                    return null;
                }
            }

            return text.ToString();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = Unreadable(path, ex.Message);
            return null;
        }
    }

    private static Diagnostic TooLarge(string path, long size, long maxBytes) =>
        new(Severity.Error, DiagnosticCodes.ManifestTooLarge, "ManifestTooLarge", null, null,
            $"{path} is {size:N0} bytes, more than the {maxBytes:N0} a manifest file may have; it is not read", new SourceLocation(path, 1, 1));

    /// <summary>
    /// Parses manifest text (no duplicate detection: that needs all files, see <see cref="Build"/>). Never throws:
    /// whatever the text, the result is objects and diagnostics (the bounds are in <see cref="ManifestLimits"/>).
    /// </summary>
    public static LoadedFile ParseText(string text, string fileName)
    {
        try
        {
            return Parse(text, fileName);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug in a reader must cost this file, not the process (issue 17.1).
            return new LoadedFile(fileName, [], [new Diagnostic(Severity.Error, DiagnosticCodes.LoaderFailure, "LoaderFailure", null, null,
                $"{fileName} could not be read ({ex.GetType().Name}: {ex.Message}); it is ignored", new SourceLocation(fileName, 1, 1))]);
        }
    }

    private static LoadedFile Parse(string text, string fileName)
    {
        var documents = new List<ParsedDocument>();
        var diagnostics = new List<Diagnostic>();
        if (Path.GetExtension(fileName).Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonManifestReader.Read(text, fileName, documents, diagnostics);
        }
        else
        {
            YamlManifestReader.Read(text, fileName, documents, diagnostics);
        }

        var objects = new List<LoadedObject>();
        foreach (var document in documents)
        {
            ObjectDecoder.DecodeDocument(document, fileName, objects, diagnostics);
        }

        return new LoadedFile(fileName, [.. objects], [.. diagnostics.OrderBy(d => d.Location?.Line ?? 0).ThenBy(d => d.Location?.Column ?? 0)]);
    }

    /// <summary>
    /// Merges parsed files into a snapshot. Two objects with the same kind/namespace/name: one is kept, the other
    /// dropped with an SY006 error at its own place naming the kept one's. The kept one is the one
    /// <paramref name="incumbents"/> says was served from its file last time (a newcomer never replaces a serving
    /// object, issue 17.6), else the first in file order, so a cold start always picks the same. Object arrays are
    /// sorted by namespace then name.
    /// </summary>
    /// <param name="incumbents">For a watched folder: the file each object was served from in the previous snapshot.</param>
    public static ClusterSnapshot Build(IEnumerable<LoadedFile> files, IEnumerable<Diagnostic>? extraDiagnostics = null,
        IReadOnlyDictionary<ResourceRef, string>? incumbents = null)
    {
        var diagnostics = new List<Diagnostic>(extraDiagnostics ?? []);
        var fileList = files as IReadOnlyList<LoadedFile> ?? [.. files];
        var winners = new Dictionary<ResourceRef, LoadedObject>();
        foreach (var obj in fileList.SelectMany(f => f.Objects))
        {
            if (!winners.TryGetValue(obj.Ref, out var first)
                || (incumbents is not null && incumbents.TryGetValue(obj.Ref, out var servedFrom)
                    && obj.Origin.File == servedFrom && first.Origin.File != servedFrom))
            {
                winners[obj.Ref] = obj;
            }
        }

        var origins = ImmutableDictionary.CreateBuilder<ResourceRef, ObjectOrigin>();
        var kept = new List<LoadedObject>();
        foreach (var file in fileList)
        {
            diagnostics.AddRange(file.Diagnostics);
            foreach (var obj in file.Objects)
            {
                var winner = winners[obj.Ref];
                if (!ReferenceEquals(winner, obj))
                {
                    diagnostics.Add(new Diagnostic(Severity.Error, DiagnosticCodes.DuplicateObject, "DuplicateObject", obj.Ref, null,
                        $"{obj.Ref} is already defined at {winner.Origin.Location}; this one ({obj.Origin.Location}) is ignored", obj.Origin.Location));
                    continue;
                }

                origins[obj.Ref] = obj.Origin;
                kept.Add(obj);
            }
        }

        kept.Sort((a, b) =>
        {
            var byNamespace = string.CompareOrdinal(a.Ref.Namespace, b.Ref.Namespace);
            return byNamespace != 0 ? byNamespace : string.CompareOrdinal(a.Ref.Name, b.Ref.Name);
        });

        return new ClusterSnapshot
        {
            IngressRoutes = Of<IngressRoute>(kept),
            Middlewares = Of<Middleware>(kept),
            ServersTransports = Of<ServersTransport>(kept),
            TlsOptions = Of<TlsOption>(kept),
            TlsStores = Of<TlsStore>(kept),
            TraefikServices = Of<TraefikService>(kept),
            IngressRouteTcps = Of<IngressRouteTcp>(kept),
            IngressRouteUdps = Of<IngressRouteUdp>(kept),
            MiddlewareTcps = Of<MiddlewareTcp>(kept),
            ServersTransportTcps = Of<ServersTransportTcp>(kept),
            GatewayClasses = Of<Switchyard.Model.GatewayApi.GatewayClass>(kept),
            Gateways = Of<Switchyard.Model.GatewayApi.Gateway>(kept),
            HttpRoutes = Of<Switchyard.Model.GatewayApi.HttpRoute>(kept),
            GrpcRoutes = Of<Switchyard.Model.GatewayApi.GrpcRoute>(kept),
            ReferenceGrants = Of<Switchyard.Model.GatewayApi.ReferenceGrant>(kept),
            BackendTlsPolicies = Of<Switchyard.Model.GatewayApi.BackendTlsPolicy>(kept),
            Services = Of<V1Service>(kept),
            EndpointSlices = Of<V1EndpointSlice>(kept),
            Secrets = Of<V1Secret>(kept),
            ConfigMaps = Of<V1ConfigMap>(kept),
            Nodes = Of<V1Node>(kept),
            Namespaces = Of<V1Namespace>(kept),
            Ingresses = Of<V1Ingress>(kept),
            IngressClasses = Of<V1IngressClass>(kept),
            LoadDiagnostics = [.. diagnostics],
            Origins = origins.ToImmutable(),
        };
    }

    private static ImmutableArray<T> Of<T>(List<LoadedObject> objects) => [.. objects.Select(o => o.Value).OfType<T>()];

    private static Diagnostic Unreadable(string path, string reason) =>
        new(Severity.Error, DiagnosticCodes.FileUnreadable, "FileUnreadable", null, null,
            $"cannot read {path}: {reason}", new SourceLocation(path, 1, 1));
}
