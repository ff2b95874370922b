using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace Switchyard.Kubernetes.Watching;

/// <summary>What the snapshot builder needs from a watcher of any kind.</summary>
internal interface IKindWatcher
{
    string Name { get; }

    /// <summary>Listed at least once (or known to be absent): its cache may be published.</summary>
    bool Synced { get; }

    /// <summary>The cached objects (a copy).</summary>
    IReadOnlyCollection<CacheEntry> Entries { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// List + watch of one kind into a cache: resumes from the last resourceVersion (bookmarks keep it fresh),
/// relists on 410 Expired, re-watches when the server ends the stream, backs off with jitter on errors, and
/// treats a missing CRD (404) as an empty, synced kind that is looked for again later.
/// </summary>
internal sealed class KindWatcher<T>(
    KindApi<T> api,
    Func<T, CacheEntry?> convert,
    Action changed,
    KubernetesSourceOptions options,
    ILogger logger) : IKindWatcher
{
    private readonly Lock _gate = new();
    private Dictionary<string, CacheEntry> _items = new(StringComparer.Ordinal);
    private volatile bool _synced;

    public string Name => api.Name;

    public bool Synced => _synced;

    public IReadOnlyCollection<CacheEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _items.Values];
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? rv = null;
        var backoff = new Backoff(options.InitialBackoff, options.MaxBackoff);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (rv is null)
                {
                    var (items, listRv) = await api.List(cancellationToken);
                    Log.Listed(logger, api.Name, items.Count, listRv);
                    Replace(items);
                    rv = listRv ?? "0";
                    backoff.Reset();
                }

                Exception? streamError = null;
                var timeout = (int)Math.Max(1, options.WatchTimeout.TotalSeconds * (0.9 + (Random.Shared.NextDouble() * 0.2)));
                await foreach (var (type, obj) in api.Watch(rv, timeout, e => streamError ??= e, cancellationToken))
                {
                    rv = Apply(type, obj) ?? rv;
                    backoff.Reset();
                }

                if (streamError is KubernetesException { Status.Code: 410 })
                {
                    Log.Expired(logger, api.Name);
                    rv = null;
                }
                else if (streamError is not null)
                {
                    await FailedAsync(streamError, backoff, cancellationToken);
                }

                // A stream the server ended (timeoutSeconds) is simply re-opened from rv.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpOperationException e) when ((e.Response.StatusCode == HttpStatusCode.NotFound && api.IsCustom)
                || (api.Optional && e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden))
            {
                if (api.IsCustom)
                {
                    Log.KindAbsent(logger, api.Name, options.AbsentKindRecheck.TotalSeconds);
                }
                else
                {
                    Log.OptionalKindRefused(logger, api.Name, (int)e.Response.StatusCode, options.AbsentKindRecheck.TotalSeconds);
                }

                Replace([]);
                rv = null;
                await DelayAsync(options.AbsentKindRecheck, cancellationToken);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                Log.Expired(logger, api.Name);
                rv = null;
            }
            catch (Exception e)
            {
                await FailedAsync(e, backoff, cancellationToken);
            }
        }
    }

    private async Task FailedAsync(Exception error, Backoff backoff, CancellationToken ct)
    {
        var delay = backoff.Next();
        if (error is HttpOperationException { Response.StatusCode: HttpStatusCode.TooManyRequests } h &&
            h.Response.Headers.TryGetValue("Retry-After", out var values) &&
            int.TryParse(values.FirstOrDefault(), out var seconds))
        {
            delay = TimeSpan.FromSeconds(seconds);
        }

        Log.WatchFailed(logger, error, api.Name, (long)delay.TotalMilliseconds);
        await DelayAsync(delay, ct);
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }

    /// <summary>Applies one watch event; returns the resourceVersion to resume from.</summary>
    private string? Apply(WatchEventType type, T obj)
    {
        var key = api.Key(obj);
        switch (type)
        {
            case WatchEventType.Added or WatchEventType.Modified:
                Upsert(key, obj);
                break;
            case WatchEventType.Deleted:
                Remove(key.Id);
                break;
        }

        return key.ResourceVersion;
    }

    private void Upsert(ObjectKey key, T obj)
    {
        var entry = convert(obj);
        lock (_gate)
        {
            var existing = _items.GetValueOrDefault(key.Id);
            if (entry is null)
            {
                // Filtered out (e.g. another ingress class): it leaves the cache like a delete.
                if (!_items.Remove(key.Id))
                {
                    return;
                }
            }
            else
            {
                if (existing is not null && existing.ResourceVersion == entry.ResourceVersion)
                {
                    return;
                }

                _items[key.Id] = entry;
            }
        }

        changed();
    }

    private void Remove(string id)
    {
        bool removed;
        lock (_gate)
        {
            removed = _items.Remove(id);
        }

        if (removed)
        {
            changed();
        }
    }

    /// <summary>A relist replaces the cache in one step; it signals a change only if something differs.</summary>
    private void Replace(IReadOnlyList<T> items)
    {
        var next = new Dictionary<string, CacheEntry>(StringComparer.Ordinal);
        foreach (var obj in items)
        {
            if (convert(obj) is { } entry)
            {
                next[api.Key(obj).Id] = entry;
            }
        }

        bool same;
        lock (_gate)
        {
            same = next.Count == _items.Count &&
                next.All(kv => _items.TryGetValue(kv.Key, out var e) && e.ResourceVersion == kv.Value.ResourceVersion);
            _items = next;
        }

        // Synced is set before the signal so a waiter woken by it sees this kind as ready.
        var wasSynced = _synced;
        _synced = true;
        if (!same || !wasSynced)
        {
            changed();
        }
    }
}
