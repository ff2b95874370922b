using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Errors;
using Switchyard.DataPlane.Middlewares.Common;
using Switchyard.DataPlane.Swap;
using Switchyard.Routing.Table;

namespace Switchyard.DataPlane.Middlewares.InFlightReq;

/// <summary>
/// Traefik's inFlightReq: at most <c>amount</c> calls in flight per source (sourceCriterion); beyond that
/// gRPC callers get RESOURCE_EXHAUSTED, HTTP callers 429. A long gRPC stream holds its slot until it ends.
/// </summary>
public sealed class InFlightReqMiddleware(InFlightCounters counters, SourceExtractor source) : IRouteMiddleware
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var key = source.Extract(context);
        if (!counters.TryEnter(key, out var slot))
        {
            await ProxyErrors.WriteAsync(context, ProxyErrorKind.ResourceExhausted, "too many requests in flight");
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            counters.Exit(key, slot);
        }
    }
}

/// <summary>
/// Per-source counters, kept in ISwapState so calls that began on an older table still count after a swap.
/// A source's entry is removed when its count drops to zero, so memory follows the sources currently in flight.
/// </summary>
public sealed class InFlightCounters(long amount)
{
    private readonly ConcurrentDictionary<object, Slot> _slots = new();

    public int Sources => _slots.Count;

    public bool TryEnter(object key, out Slot slot)
    {
        while (true)
        {
            slot = _slots.GetOrAdd(key, static _ => new Slot());
            lock (slot)
            {
                if (slot.Removed)
                {
                    continue; // emptied and removed concurrently: take the fresh one
                }

                if (slot.Count >= amount)
                {
                    return false;
                }

                slot.Count++;
                return true;
            }
        }
    }

    public void Exit(object key, Slot slot)
    {
        lock (slot)
        {
            if (--slot.Count == 0)
            {
                slot.Removed = true;
                _slots.TryRemove(new KeyValuePair<object, Slot>(key, slot));
            }
        }
    }

    public sealed class Slot
    {
        public long Count;
        public bool Removed;
    }
}

public sealed class InFlightReqFactory : IMiddlewareFactory
{
    public Type ConfigType => typeof(InFlightReqConfig);

    public IRouteMiddleware Create(string id, MiddlewareConfig config, MiddlewareBuildContext context)
    {
        var c = (InFlightReqConfig)config;
        if (c.Amount <= 0)
        {
            throw new ArgumentException("inFlightReq: amount must be positive");
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"inFlightReq|{id}|{c.Amount}|{SourceExtractor.Describe(c.SourceCriterion)}");
        var counters = context.State.GetOrAdd(key, () => new InFlightCounters(c.Amount));
        return new InFlightReqMiddleware(counters, new SourceExtractor(c.SourceCriterion));
    }
}
