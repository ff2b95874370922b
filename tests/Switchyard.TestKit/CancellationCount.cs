namespace Switchyard.TestKit;

/// <summary>
/// Counts one Echo call as cancelled when its cancellation token fires, exactly once. A registration alone loses
/// cancellations: the token runs its callbacks newest first, so the method's own awaits (registered later) resume the
/// method synchronously inside Cancel(), the method returns and disposes this registration before the token reaches
/// it (issue 16.10: the gateway had reset the stream and the method had been cancelled, yet nothing was counted).
/// Disposal therefore also counts a call whose token is cancelled by the time it ends.
/// </summary>
internal sealed class CancellationCount : IDisposable
{
    private readonly GrpcTestBackend _backend;
    private readonly CancellationToken _token;
    private readonly CancellationTokenRegistration _registration;
    private int _counted;

    public CancellationCount(GrpcTestBackend backend, CancellationToken token)
    {
        _backend = backend;
        _token = token;
        _registration = token.Register(static s => ((CancellationCount)s!).Count(), this);
    }

    public void Dispose()
    {
        _registration.Dispose();
        if (_token.IsCancellationRequested)
        {
            Count();
        }
    }

    private void Count()
    {
        if (Interlocked.Exchange(ref _counted, 1) == 0)
        {
            _backend.CountCancellation();
        }
    }
}
