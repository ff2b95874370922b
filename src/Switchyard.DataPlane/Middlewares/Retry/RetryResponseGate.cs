using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>
/// Stands in for the response body during retries. When an attempt failed before anything reached the client
/// and more attempts remain, the error answer that the forwarder writes is swallowed here instead of being
/// sent; any other write goes straight through (and from then on the call is committed: no more retries).
/// </summary>
internal sealed class RetryResponseGate(IHttpResponseBodyFeature inner, Func<bool> attemptFailed) : GatedResponseBody(inner)
{
    /// <summary>More attempts remain after the current one.</summary>
    public bool CanRetry { get; set; }

    /// <summary>The current attempt's error answer was swallowed.</summary>
    public bool Swallowed { get; private set; }

    public void NextAttempt() => Swallowed = false;

    protected override bool Swallow()
    {
        if (Swallowed)
        {
            return true;
        }

        if (CanRetry && attemptFailed())
        {
            Swallowed = true;
        }

        return Swallowed;
    }
}
