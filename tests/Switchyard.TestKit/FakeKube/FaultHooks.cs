using Microsoft.AspNetCore.Http;

namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// Faults a test switches on: the next N matching requests fail (500, or 429 with Retry-After), every
/// request is delayed, watches are dropped (see <see cref="FakeApiServer.DropWatches"/>).
/// </summary>
public sealed class FaultHooks
{
    private readonly Lock _gate = new();
    private int _failuresLeft;
    private int _failStatus;
    private int _retryAfterSeconds;
    private Func<HttpRequest, bool>? _failFilter;

    /// <summary>Added before every answer (watch streams included).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The next <paramref name="count"/> requests matching <paramref name="filter"/> answer 500 InternalError.</summary>
    public void FailNext(int count, Func<HttpRequest, bool>? filter = null) => Arm(count, 500, 0, filter);

    /// <summary>The next <paramref name="count"/> matching requests answer 429 TooManyRequests with Retry-After.</summary>
    public void ThrottleNext(int count, int retryAfterSeconds = 1, Func<HttpRequest, bool>? filter = null) =>
        Arm(count, 429, retryAfterSeconds, filter);

    /// <summary>The next <paramref name="count"/> matching requests answer 403 Forbidden (a missing RBAC rule).</summary>
    public void ForbidNext(int count, Func<HttpRequest, bool>? filter = null) => Arm(count, 403, 0, filter);

    public void Clear() => Arm(0, 0, 0, null);

    /// <summary>Returns the error to answer instead of serving <paramref name="request"/>, if a fault is armed.</summary>
    internal ApiError? Take(HttpRequest request, out int retryAfterSeconds)
    {
        lock (_gate)
        {
            retryAfterSeconds = _retryAfterSeconds;
            if (_failuresLeft <= 0 || !(_failFilter?.Invoke(request) ?? true))
            {
                return null;
            }

            _failuresLeft--;
            return _failStatus switch
            {
                429 => new ApiError(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later"),
                403 => new ApiError(403, "Forbidden", "forbidden: the service account cannot list this resource (injected fault)"),
                _ => new ApiError(500, "InternalError", "an error on the server (\"injected fault\") has prevented the request from succeeding"),
            };
        }
    }

    private void Arm(int count, int status, int retryAfter, Func<HttpRequest, bool>? filter)
    {
        lock (_gate)
        {
            _failuresLeft = count;
            _failStatus = status;
            _retryAfterSeconds = retryAfter;
            _failFilter = filter;
        }
    }
}
