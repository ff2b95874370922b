using Microsoft.AspNetCore.Http.Features;
using Switchyard.DataPlane.Middlewares.Common;

namespace Switchyard.DataPlane.Middlewares.Retry;

/// <summary>
/// Stands in for the response body during retries. When an attempt is to be made again (it failed before anything
/// reached the client, or its status is one to retry) the answer written for it is swallowed here instead of being
/// sent; any other write goes straight through (and from then on the call is committed: no more retries).
/// </summary>
/// <param name="retryable">Whether the current attempt is to be made again (it failed, or its status is retried, and
/// attempts and time remain); asked once, when its answer starts.</param>
internal sealed class RetryResponseGate(IHttpResponseBodyFeature inner, Func<bool> retryable) : GatedResponseBody(inner)
{
    private bool _committed;

    /// <summary>The current attempt's answer was swallowed.</summary>
    public bool Swallowed { get; private set; }

    public void NextAttempt() => Swallowed = false;

    protected override bool Swallow()
    {
        if (Swallowed)
        {
            return true;
        }

        if (_committed)
        {
            return false; // something reached the caller: this answer goes through to its end, whatever happens
        }

        Swallowed = retryable();
        _committed = !Swallowed;
        return Swallowed;
    }
}
