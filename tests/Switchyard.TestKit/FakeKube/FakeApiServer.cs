using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Switchyard.TestKit.FakeKube;

/// <summary>Options of a <see cref="FakeApiServer"/>.</summary>
public sealed record FakeApiServerOptions
{
    /// <summary>A folder of CRD manifests (crds/*.yaml) to install at start; null ⇒ none.</summary>
    public string? CrdsFolder { get; init; }

    /// <summary>How often watches that allow bookmarks receive one (kube-apiserver: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>One request the fake answered, for tests that count writes.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, int Status);

/// <summary>
/// An in-process Kubernetes API server for tests: Kestrel on 127.0.0.1:0 speaking the real REST and watch
/// protocol (see docs REFERENCE §3) so the real KubernetesClient and kubectl work against it. Objects live
/// in memory (<see cref="ObjectStore"/>); CRDs register their types and validate custom resources.
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ResourceHandler _resources;
    private readonly WatchHandler _watches;
    private string _serverAddress = "";

    private FakeApiServer(WebApplication app, FakeApiServerOptions options)
    {
        _app = app;
        Store.Validate = ValidateCustomResource;
        _resources = new ResourceHandler(Store, Catalog);
        _watches = new WatchHandler(Store, () => options.BookmarkInterval, _stopping.Token);
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri Url { get; private set; } = null!;

    public ObjectStore Store { get; } = new();

    public ResourceCatalog Catalog { get; } = new();

    public FaultHooks Faults { get; } = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeApiServer> StartAsync(FakeApiServerOptions? options = null)
    {
        options ??= new FakeApiServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new FakeApiServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        server._serverAddress = $"{server.Url.Host}:{server.Url.Port}";
        if (options.CrdsFolder is not null)
        {
            server.InstallCrds(options.CrdsFolder);
        }

        return server;
    }

    /// <summary>The repository's crds/ folder (found by walking up from the test binaries), or null.</summary>
    public static string? FindRepoCrdsFolder()
    {
        if (RepositoryRoot.TryFind() is not { } root)
        {
            return null;
        }

        var crds = Path.Combine(root, "crds");
        return Directory.Exists(crds) && Directory.EnumerateFiles(crds, "*.yaml").Any() ? crds : null;
    }

    public KubernetesClientConfiguration ClientConfiguration() => new() { Host = Url.ToString().TrimEnd('/') };

    /// <summary>A real KubernetesClient pointed at this server.</summary>
    public Kubernetes CreateClient() => new(ClientConfiguration());

    /// <summary>
    /// Writes a kubeconfig file (for kubectl and KUBECONFIG) and returns its path; with <paramref name="token"/> its user
    /// has that bearer token (a `switchyard run` process's KubernetesClient wants credentials; the fake accepts any).
    /// </summary>
    public string WriteKubeconfig(string path, string? token = null)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url.ToString().TrimEnd('/')}
            users:
            - name: fake
              user: {(token is null ? "{}" : "{token: " + token + "}")}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: fake
                namespace: default
            current-context: fake
            """);
        return path;
    }

    public int CountRequests(Func<RecordedRequest, bool> predicate) => _requests.Count(predicate);

    /// <summary>Drops every open watch; <paramref name="abort"/> resets the connection instead of ending the stream.</summary>
    public int DropWatches(bool abort = true) => Store.DropWatches(abort);

    /// <summary>
    /// Simulates an API server restart whose watch cache is gone: open watches are reset and every older
    /// resourceVersion answers 410 Expired, so clients must relist.
    /// </summary>
    public void Restart()
    {
        Store.CompactHistory();
        Store.DropWatches(abort: true);
    }

    /// <summary>Creates or replaces an object (test setup), as <c>kubectl apply</c> would end up storing it.</summary>
    public JsonObject Apply(JsonObject obj)
    {
        var type = TypeOf(obj);
        var ns = type.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;
        var name = (string)obj["metadata"]!["name"]!;
        JsonObject result;
        if (Store.TryGet(type, ns, name) is null)
        {
            result = Store.Create(type, ns, obj, strict: false);
        }
        else
        {
            var body = obj.DeepClone().AsObject();
            body["metadata"]!.AsObject().Remove("resourceVersion");
            result = Store.Update(type, ns, name, body, statusOnly: false, strict: false);
        }

        if (type.Group == "apiextensions.k8s.io")
        {
            Catalog.RegisterCrd(result);
        }

        return result;
    }

    public IReadOnlyList<JsonObject> ApplyYaml(string yaml) => [.. YamlJson.ParseDocuments(yaml).Select(Apply)];

    public void Delete(string apiVersion, string kind, string? ns, string name)
    {
        var type = Catalog.FindKind(apiVersion, kind) ?? throw new ArgumentException($"unknown kind {apiVersion} {kind}");
        Store.Delete(type, type.Namespaced ? ns ?? "default" : null, name);
    }

    public JsonObject? Get(string apiVersion, string kind, string? ns, string name)
    {
        var type = Catalog.FindKind(apiVersion, kind) ?? throw new ArgumentException($"unknown kind {apiVersion} {kind}");
        return Store.TryGet(type, type.Namespaced ? ns ?? "default" : null, name);
    }

    /// <summary>Installs every CustomResourceDefinition found in the folder's YAML files.</summary>
    public void InstallCrds(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            foreach (var doc in YamlJson.ParseDocuments(File.ReadAllText(file)))
            {
                if ((string?)doc["kind"] == "CustomResourceDefinition")
                {
                    Apply(doc);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Store.DropWatches(abort: true);
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private ResourceType TypeOf(JsonObject obj)
    {
        var apiVersion = (string?)obj["apiVersion"] ?? throw new ArgumentException("object without apiVersion");
        var kind = (string?)obj["kind"] ?? throw new ArgumentException("object without kind");
        return Catalog.FindKind(apiVersion, kind) ?? throw new ArgumentException($"no resource type for {apiVersion} {kind}");
    }

    private void ValidateCustomResource(ResourceType type, JsonObject obj, bool strict)
    {
        if (type.Schema is null)
        {
            return;
        }

        var errors = SchemaValidator.Validate(type.Schema, obj, strict);
        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type, (string?)obj["metadata"]?["name"] ?? "", errors);
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            if (Faults.Delay > TimeSpan.Zero)
            {
                await Task.Delay(Faults.Delay, ctx.RequestAborted);
            }

            if (Faults.Take(ctx.Request, out var retryAfter) is { } fault)
            {
                if (fault.Code == 429)
                {
                    ctx.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                throw fault;
            }

            var path = ctx.Request.Path.Value ?? "/";
            if (ctx.Request.Method == "GET" && Discovery.TryAnswer(path, Catalog, _serverAddress) is { } doc)
            {
                await ResourceHandler.WriteAsync(ctx, 200, doc);
                return;
            }

            var parsed = RequestPath.Parse(path);
            var type = parsed is null ? null : Catalog.Find(parsed.Group, parsed.Version, parsed.Plural);
            if (parsed is null || type is null)
            {
                throw new ApiError(404, "NotFound", "the server could not find the requested resource");
            }

            var watch = ctx.Request.Query["watch"];
            if (ctx.Request.Method == "GET" && parsed.Name is null && (watch == "true" || watch == "1"))
            {
                await _watches.HandleAsync(ctx, parsed, type);
            }
            else
            {
                await _resources.HandleAsync(ctx, parsed, type);
            }
        }
        catch (ApiError e)
        {
            if (!ctx.Response.HasStarted)
            {
                await ResourceHandler.WriteAsync(ctx, e.Code, e.ToStatus());
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            // A bug in the fake itself: answer like an apiserver panic, with the cause for the test log.
            await ResourceHandler.WriteAsync(ctx, 500, ApiError.Status(500, "InternalError", $"fake API server failure: {e}"));
        }
        finally
        {
            _requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "",
                ctx.Request.ContentType, ctx.Response.StatusCode));
        }
    }
}
