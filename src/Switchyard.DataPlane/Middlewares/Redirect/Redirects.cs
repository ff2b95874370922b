using Microsoft.AspNetCore.Http;

namespace Switchyard.DataPlane.Middlewares.Redirect;

/// <summary>Traefik's redirect answer: permanent ⇒ 301 (308 unless GET), temporary ⇒ 302 (307 unless GET).</summary>
internal static class Redirects
{
    public static Task AnswerAsync(HttpContext context, string location, bool permanent)
    {
        var get = HttpMethods.IsGet(context.Request.Method);
        context.Response.StatusCode = permanent
            ? (get ? StatusCodes.Status301MovedPermanently : StatusCodes.Status308PermanentRedirect)
            : (get ? StatusCodes.Status302Found : StatusCodes.Status307TemporaryRedirect);
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    /// <summary>The request URL as Traefik rebuilds it: scheme://host/path?query.</summary>
    public static string RequestUrl(HttpRequest request) =>
        string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, request.Path.Value, request.QueryString.Value);
}
