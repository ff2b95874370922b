using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Switchyard.TestKit.FakeKube;

/// <summary>The REST verbs on one resource URL: list, get, create, update, patch, delete (watch is <see cref="WatchHandler"/>).</summary>
internal sealed class ResourceHandler(ObjectStore store, ResourceCatalog catalog)
{
    public async Task HandleAsync(HttpContext ctx, RequestPath path, ResourceType type)
    {
        var q = ctx.Request.Query;
        var strict = string.Equals(q["fieldValidation"], "Strict", StringComparison.OrdinalIgnoreCase);
        var ns = type.Namespaced ? path.Namespace : null;
        if (type.Namespaced && path.Name is not null && ns is null)
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        }

        if (path.Subresource is not null && (path.Subresource != "status" || !type.HasStatusSubresource))
        {
            throw new ApiError(404, "NotFound", "the server could not find the requested resource");
        }

        var statusOnly = path.Subresource == "status";
        switch (ctx.Request.Method)
        {
            case "GET" when path.Name is null:
                var (items, rv) = store.List(type, ns, LabelSelector.Parse(q["labelSelector"]), FieldSelector.Parse(q["fieldSelector"]));
                await WriteAsync(ctx, 200, new JsonObject
                {
                    ["kind"] = type.Kind + "List",
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    ["items"] = new JsonArray([.. items]),
                });
                return;
            case "GET":
                await WriteAsync(ctx, 200, store.Get(type, ns, path.Name));
                return;
            case "POST" when path.Name is null && !statusOnly:
                var created = store.Create(type, ns, await ReadObjectAsync(ctx), strict);
                AfterWrite(type, created, deleted: false);
                await WriteAsync(ctx, 201, created);
                return;
            case "PUT" when path.Name is not null:
                var body = await ReadObjectAsync(ctx);
                var updated = store.Update(type, ns, path.Name, body, statusOnly, strict);
                AfterWrite(type, updated, deleted: false);
                await WriteAsync(ctx, 200, updated);
                return;
            case "PATCH" when path.Name is not null:
                var patched = await PatchAsync(ctx, type, ns, path.Name, statusOnly, strict);
                AfterWrite(type, patched, deleted: false);
                await WriteAsync(ctx, 200, patched);
                return;
            case "DELETE" when path.Name is not null && !statusOnly:
                var gone = store.Delete(type, ns, path.Name);
                AfterWrite(type, gone, deleted: gone["metadata"]?["deletionTimestamp"] is null);
                await WriteAsync(ctx, 200, gone);
                return;
            default:
                throw ApiError.MethodNotAllowed($"{ctx.Request.Method} is not supported on {ctx.Request.Path}");
        }
    }

    public static async Task WriteAsync(HttpContext ctx, int code, JsonObject body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }

    private async Task<JsonObject> PatchAsync(HttpContext ctx, ResourceType type, string? ns, string name, bool statusOnly, bool strict)
    {
        var contentType = ctx.Request.ContentType?.Split(';')[0].Trim() ?? "";
        var dropDirectives = false;
        switch (contentType)
        {
            case "application/merge-patch+json":
                break;
            case "application/strategic-merge-patch+json" when !type.IsCustom:
                // Built-ins: strategic merge approximated by merge patch (lists are replaced, not merged by key).
                dropDirectives = true;
                break;
            default:
                throw ApiError.UnsupportedMediaType(contentType);
        }

        var patch = await ReadObjectAsync(ctx);
        return store.Modify(type, ns, name, current => MergePatch.Apply(current, patch, dropDirectives)!.AsObject(), statusOnly, strict);
    }

    // CRDs written through the API register (or forget) their types, like the apiextensions server does.
    private void AfterWrite(ResourceType type, JsonObject obj, bool deleted)
    {
        if (type.Group != "apiextensions.k8s.io")
        {
            return;
        }

        if (deleted)
        {
            catalog.UnregisterCrd(obj);
        }
        else
        {
            catalog.RegisterCrd(obj);
        }
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        try
        {
            var node = await JsonNode.ParseAsync(ctx.Request.Body);
            return node as JsonObject ?? throw ApiError.BadRequest("the request body is not a JSON object");
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }
}
