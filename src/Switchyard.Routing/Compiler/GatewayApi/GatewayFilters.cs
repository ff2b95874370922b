using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;
using Switchyard.Model.Traefik;
using Switchyard.Routing.Table;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>
/// Rule filters → middleware ids in order (Traefik's loadMiddlewares / loadGRPCMiddlewares,
/// pkg/provider/kubernetes/gateway/httproute.go createRequestHeaderModifier … createURLRewrite): header modifiers,
/// RequestRedirect and URLRewrite become middlewares of their own, named <c>&lt;router&gt;-&lt;type&gt;-&lt;index&gt;</c>;
/// ExtensionRef names a Traefik Middleware (traefik.io, kind Middleware) of the route's namespace — on GRPCRoutes too,
/// which Traefik cannot do (traefik/traefik#13120). RequestMirror is returned for the caller to wrap the rule's service.
/// A filter that cannot be honoured is never skipped: the rule answers 500 (spec) and the route reports why.
/// </summary>
internal sealed class GatewayFilters(CompileContext context, MiddlewareProcessor middlewares)
{
    private readonly Dictionary<string, MiddlewareConfig> _configs = new(StringComparer.Ordinal);

    /// <summary>The middlewares the filters created, by id.</summary>
    public IReadOnlyDictionary<string, MiddlewareConfig> Configs => _configs;

    /// <summary>
    /// Appends the rule's middleware ids to <paramref name="ids"/> and its mirrors to <paramref name="mirrors"/>; false
    /// (with <paramref name="problem"/> set and reported) when a filter cannot be honoured.
    /// </summary>
    public bool Resolve(ResourceRef owner, IReadOnlyList<RouteFilter>? filters, HttpPathMatch? path, int listenerPort, string routerName, string field,
        List<string> ids, List<RequestMirrorFilter> mirrors, ref BackendProblem? problem)
    {
        var ok = true;
        for (var i = 0; i < (filters?.Count ?? 0); i++)
        {
            var filter = filters![i];
            var at = $"{field}[{i}]";
            var id = $"{routerName}-{filter.Type.ToLowerInvariant()}-{i}";
            string? error = null;
            switch (filter.Type)
            {
                case "RequestHeaderModifier" when filter.RequestHeaderModifier is { } request:
                    _configs[id] = new RequestHeaderModifierConfig(Headers(request));
                    ids.Add(id);
                    break;
                case "ResponseHeaderModifier" when filter.ResponseHeaderModifier is { } response:
                    _configs[id] = new ResponseHeaderModifierConfig(Headers(response));
                    ids.Add(id);
                    break;
                case "RequestRedirect" when filter.RequestRedirect is { } redirect && owner.Kind == GatewayApiKinds.HttpRoute:
                    if (Redirect(redirect, path, listenerPort, out error) is { } redirectConfig && error is null)
                    {
                        _configs[id] = redirectConfig;
                        ids.Add(id);
                    }

                    break;
                case "URLRewrite" when filter.UrlRewrite is { } rewrite && owner.Kind == GatewayApiKinds.HttpRoute:
                    if (Rewrite(rewrite, path, out error) is { } config)
                    {
                        _configs[id] = config;
                        ids.Add(id);
                    }

                    break;
                case "RequestMirror" when filter.RequestMirror is { } mirror:
                    mirrors.Add(mirror);
                    break;
                case "ExtensionRef" when filter.ExtensionRef is { } extension:
                    if (extension.Kind != TraefikApi.MiddlewareKind || extension.Group is not (TraefikApi.Group or TraefikApi.LegacyGroup))
                    {
                        error = $"ExtensionRef {extension.Group}/{extension.Kind} is not supported (only {TraefikApi.Group} Middleware)";
                    }
                    else if (!middlewares.ResolveForRoute(new MiddlewareRef { Name = extension.Name, Namespace = owner.Namespace }, owner, at + ".extensionRef", ids))
                    {
                        // ResolveForRoute reported the reason on this field.
                        problem ??= new BackendProblem("InvalidKind", $"Middleware {owner.Namespace}/{extension.Name} cannot be used");
                        ok = false;
                    }

                    break;
                default:
                    error = $"filter {filter.Type} is not supported on a {owner.Kind} (or its {filter.Type} settings are missing)";
                    break;
            }

            if (error is not null)
            {
                context.Error(DiagnosticCodes.GatewayFilterInvalid, "UnsupportedValue", owner, at, error + "; the rule answers 500");
                problem ??= new BackendProblem("UnsupportedValue", error);
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>
    /// A backendRef's filters: the header modifiers (the spec's extended backendRef filters; the other types are refused
    /// there, as their effect on one backend's share is not defined here), named from <paramref name="idPrefix"/>.
    /// </summary>
    public ImmutableArray<string>? ForBackend(ResourceRef owner, IReadOnlyList<RouteFilter> filters, string field, string idPrefix, out BackendProblem? problem)
    {
        problem = null;
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i].Type is not ("RequestHeaderModifier" or "ResponseHeaderModifier"))
            {
                var error = $"filter {filters[i].Type} is not supported on a backendRef (RequestHeaderModifier and ResponseHeaderModifier are); put it on the rule";
                context.Error(DiagnosticCodes.GatewayFilterInvalid, "UnsupportedValue", owner, $"{field}[{i}]", error + "; its share of the calls gets 500");
                problem = new BackendProblem("UnsupportedValue", error);
                return null;
            }
        }

        var ids = new List<string>();
        return Resolve(owner, filters, null, 0, idPrefix, field, ids, [], ref problem) ? [.. ids] : null;
    }

    /// <summary>
    /// HTTPRoute <c>rules[].timeouts</c> (<see cref="GatewayTimeouts"/>): a middleware first in the rule's list, so the
    /// request deadline counts from the start of the route's middlewares; nothing when no timeout applies; false
    /// (reported) when invalid.
    /// </summary>
    public bool Timeouts(ResourceRef owner, HttpRouteTimeouts? timeouts, string routerName, string field, List<string> ids, ref BackendProblem? problem)
    {
        var config = GatewayTimeouts.Resolve(timeouts, out var error);
        if (error is not null)
        {
            context.Error(DiagnosticCodes.GatewayTimeoutsInvalid, "UnsupportedValue", owner, field, error + "; the rule answers 500");
            problem ??= new BackendProblem("UnsupportedValue", error);
            return false;
        }

        if (config is not null)
        {
            var id = $"{routerName}-timeouts";
            _configs[id] = config;
            ids.Insert(0, id);
        }

        return true;
    }

    private static HeaderModifierConfig Headers(HeaderModifier modifier) => new(
        Map(modifier.Set),
        Map(modifier.Add),
        [.. (modifier.Remove ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)]);

    private static ImmutableSortedDictionary<string, string> Map(IReadOnlyList<HeaderValue>? values)
    {
        var map = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            map[value.Name] = value.Value;
        }

        return map.ToImmutable();
    }

    /// <summary>
    /// The spec's redirect: no port ⇒ the scheme's well-known port when the scheme is given (written nowhere), else the
    /// listener's port; ReplacePrefixMatch replaces the matched PathPrefix. Status default 302.
    /// </summary>
    private static RequestRedirectConfig? Redirect(RequestRedirectFilter redirect, HttpPathMatch? path, int listenerPort, out string? error)
    {
        error = null;
        var port = redirect.Port ?? (string.IsNullOrEmpty(redirect.Scheme) ? listenerPort : null);
        var (full, prefix) = PathParts(redirect.Path, path, ref error);
        return new RequestRedirectConfig(redirect.Scheme, redirect.Hostname, port, full, prefix, redirect.StatusCode ?? 302);
    }

    private static UrlRewriteConfig? Rewrite(UrlRewriteFilter rewrite, HttpPathMatch? path, out string? error)
    {
        error = null;
        if (rewrite.Path is null && rewrite.Hostname is null)
        {
            error = "URLRewrite needs a hostname or a path";
            return null;
        }

        var (full, prefix) = PathParts(rewrite.Path, path, ref error);
        return error is null ? new UrlRewriteConfig(rewrite.Hostname, full, prefix) : null;
    }

    private static (string? Path, string? Prefix) PathParts(PathModifier? modifier, HttpPathMatch? match, ref string? error)
    {
        switch (modifier?.Type)
        {
            case null:
                return (null, null);
            case "ReplaceFullPath":
                return (modifier.ReplaceFullPath ?? "/", null);
            case "ReplacePrefixMatch" when (match?.Type ?? "PathPrefix") == "PathPrefix":
                return (modifier.ReplacePrefixMatch ?? "/", match?.Value ?? "/");
            case "ReplacePrefixMatch":
                error = "ReplacePrefixMatch needs a PathPrefix path match";
                return (null, null);
            default:
                error = $"path modifier type {modifier.Type} is not supported";
                return (null, null);
        }
    }
}
