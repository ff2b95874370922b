using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Errors;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.EncodedCharacters;

/// <summary>
/// Traefik's encodedCharacters (v3.6): a request whose path, as the client sent it, holds a percent-encoded
/// character that is not allowed (%2F, %5C, %00, %3B, %25, %3F, %23; each allowed only when its
/// <c>allowEncoded…</c> flag is true) is refused with 400 (INTERNAL for gRPC callers) and never forwarded.
/// </summary>
public sealed class EncodedCharactersMiddleware(string[] denied) : IRouteMiddleware
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? string.Empty;
        var path = target.AsSpan();
        var query = path.IndexOf('?');
        if (query >= 0)
        {
            path = path[..query];
        }

        if (path.Contains('%'))
        {
            foreach (var encoded in denied)
            {
                if (path.Contains(encoded, StringComparison.OrdinalIgnoreCase))
                {
                    return ProxyErrors.WriteAsync(context, ProxyErrorKind.BadRequest, "encoded character " + encoded + " is not allowed in the path");
                }
            }
        }

        return next(context);
    }
}

public sealed class EncodedCharactersFactory : IMiddlewareFactory
{
    private static readonly (string Flag, string Encoded)[] Characters =
    [
        ("allowEncodedSlash", "%2F"),
        ("allowEncodedBackSlash", "%5C"),
        ("allowEncodedNullCharacter", "%00"),
        ("allowEncodedSemicolon", "%3B"),
        ("allowEncodedPercent", "%25"),
        ("allowEncodedQuestionMark", "%3F"),
        ("allowEncodedHash", "%23"),
    ];

    public Type ConfigType => typeof(EncodedCharactersConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var allow = ((EncodedCharactersConfig)config).Allow;
        var denied = Characters.Where(c => !allow.TryGetValue(c.Flag, out var allowed) || !allowed).Select(c => c.Encoded).ToArray();
        return denied.Length == 0 ? Common.PassThroughMiddleware.Instance : new EncodedCharactersMiddleware(denied);
    }
}
