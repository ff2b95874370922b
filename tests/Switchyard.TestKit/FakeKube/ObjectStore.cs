using System.Globalization;
using System.Text.Json.Nodes;

namespace Switchyard.TestKit.FakeKube;

/// <summary>
/// The fake's "etcd": objects by type/namespace/name, one global increasing resourceVersion, a bounded
/// event history for watch resumption, and the open watches. Every write happens under one lock, so
/// resourceVersions and watch queues are totally ordered.
/// </summary>
public sealed class ObjectStore
{
    private sealed record HistoryEntry(long Rv, ResourceType Type, string EventType, JsonObject Object, JsonObject? Old);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly List<HistoryEntry> _history = [];
    private readonly List<WatchSubscription> _watches = [];
    private long _rv = 1000;
    private long _compactedRv;

    /// <summary>Events kept for resuming watches; older resourceVersions get 410 Expired.</summary>
    public int HistoryLimit { get; set; } = 10_000;

    /// <summary>Called before a create/update is stored: validates (and may prune) the object, throws ApiError.</summary>
    public Action<ResourceType, JsonObject, bool>? Validate { get; set; }

    public long CurrentRv
    {
        get
        {
            lock (_gate)
            {
                return _rv;
            }
        }
    }

    public int OpenWatches
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    public (List<JsonObject> Items, long Rv) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (_gate)
        {
            var items = Bucket(type).Values
                .Where(o => (ns is null || (string?)o["metadata"]?["namespace"] == ns) && labels.Matches(o) && fields.Matches(o))
                .Select(o => Stamp(type, o.DeepClone().AsObject()))
                .ToList();
            return (items, _rv);
        }
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Stamp(type, Find(type, ns, name).DeepClone().AsObject());
        }
    }

    public JsonObject? TryGet(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            return Bucket(type).TryGetValue(Key(ns, name), out var o) ? Stamp(type, o.DeepClone().AsObject()) : null;
        }
    }

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, bool strict)
    {
        var obj = body.DeepClone().AsObject();
        var meta = Metadata(obj);
        var name = (string?)meta["name"];
        if (string.IsNullOrEmpty(name) && meta["generateName"] is JsonNode gen)
        {
            name = (string)gen! + Guid.NewGuid().ToString("N")[..5];
            meta["name"] = name;
        }

        if (string.IsNullOrEmpty(name))
        {
            throw ApiError.Invalid(type, "", [("metadata.name", "Required value: name or generateName is required")]);
        }

        if (type.Namespaced)
        {
            var bodyNs = (string?)meta["namespace"];
            if (bodyNs is not null && bodyNs != ns)
            {
                throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }

        if (type.IsCustom && type.HasStatusSubresource)
        {
            obj.Remove("status"); // the main resource ignores status when /status exists
        }

        Stamp(type, obj);
        Validate?.Invoke(type, obj, strict);
        lock (_gate)
        {
            var bucket = Bucket(type);
            var key = Key(ns, name);
            if (bucket.ContainsKey(key))
            {
                throw ApiError.AlreadyExists(type, name);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["generation"] = 1L;
            meta["creationTimestamp"] = Now();
            meta.Remove("deletionTimestamp");
            meta["resourceVersion"] = Next();
            bucket[key] = obj;
            Record(type, "ADDED", obj, null);
            return obj.DeepClone().AsObject();
        }
    }

    /// <summary>PUT: replaces the object (or only its status) when the body's resourceVersion is current.</summary>
    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, bool statusOnly, bool strict) =>
        Modify(type, ns, name, _ => body, statusOnly, strict);

    /// <summary>
    /// Read-modify-write under the lock: <paramref name="change"/> gets the current object and returns the
    /// desired one. A resourceVersion in the desired object is a precondition (stale ⇒ 409 Conflict).
    /// </summary>
    public JsonObject Modify(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> change, bool statusOnly, bool strict)
    {
        lock (_gate)
        {
            var bucket = Bucket(type);
            var key = Key(ns, name);
            var existing = Find(type, ns, name);
            var desired = change(existing.DeepClone().AsObject()).DeepClone().AsObject();
            var meta = Metadata(desired);
            var oldMeta = Metadata(existing);
            if (meta["resourceVersion"] is JsonNode wanted && (string?)wanted != (string?)oldMeta["resourceVersion"])
            {
                throw ApiError.Conflict(type, name);
            }

            if ((string?)meta["name"] is { } bodyName && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            JsonObject next;
            if (statusOnly)
            {
                // /status writes change only status; everything else stays as stored.
                next = existing.DeepClone().AsObject();
                next.Remove("status");
                if (desired["status"] is JsonNode status)
                {
                    next["status"] = status.DeepClone();
                }
            }
            else
            {
                // With a /status subresource the main resource cannot change status.
                var keptStatus = (type.HasStatusSubresource ? existing["status"] : desired["status"])?.DeepClone();
                next = desired;
                next.Remove("status");
                if (keptStatus is not null)
                {
                    next["status"] = keptStatus;
                }

                var nextMeta = Metadata(next);
                foreach (var serverField in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "namespace", "name" })
                {
                    nextMeta.Remove(serverField);
                    if (oldMeta[serverField] is JsonNode v)
                    {
                        nextMeta[serverField] = v.DeepClone();
                    }
                }
            }

            Stamp(type, next);
            Validate?.Invoke(type, next, strict);
            var nm = Metadata(next);
            nm["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
            if (JsonNode.DeepEquals(existing, next))
            {
                return existing.DeepClone().AsObject(); // a no-op write bumps nothing and notifies no one
            }

            if (!statusOnly && !JsonNode.DeepEquals(WithoutMetaAndStatus(existing), WithoutMetaAndStatus(next)))
            {
                nm["generation"] = (oldMeta["generation"] is JsonNode g ? long.Parse(g.ToJsonString(), CultureInfo.InvariantCulture) : 1L) + 1;
            }

            nm["resourceVersion"] = Next();
            if (nm["deletionTimestamp"] is not null && (nm["finalizers"] as JsonArray ?? []).Count == 0)
            {
                bucket.Remove(key);
                Record(type, "DELETED", next, existing);
                return next.DeepClone().AsObject();
            }

            bucket[key] = next;
            Record(type, "MODIFIED", next, existing);
            return next.DeepClone().AsObject();
        }
    }

    /// <summary>DELETE: removes the object, or with finalizers only sets deletionTimestamp.</summary>
    public JsonObject Delete(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            var bucket = Bucket(type);
            var existing = Find(type, ns, name);
            var next = existing.DeepClone().AsObject();
            var meta = Metadata(next);
            if ((meta["finalizers"] as JsonArray ?? []).Count > 0)
            {
                if (meta["deletionTimestamp"] is null)
                {
                    meta["deletionTimestamp"] = Now();
                    meta["resourceVersion"] = Next();
                    bucket[Key(ns, name)] = next;
                    Record(type, "MODIFIED", next, existing);
                }

                return next.DeepClone().AsObject();
            }

            meta["resourceVersion"] = Next();
            bucket.Remove(Key(ns, name));
            Record(type, "DELETED", next, existing);
            return next.DeepClone().AsObject();
        }
    }

    /// <summary>Opens a watch. No resourceVersion (or "0") ⇒ synthetic ADDED for current objects first.</summary>
    public WatchSubscription Watch(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, string? resourceVersion)
    {
        var sub = new WatchSubscription(type, ns, labels, fields);
        lock (_gate)
        {
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Bucket(type).Values.Where(sub.Matches))
                {
                    sub.Enqueue("ADDED", Stamp(type, obj.DeepClone().AsObject()));
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw ApiError.BadRequest($"invalid resource version \"{resourceVersion}\"");
                }

                if (from < _compactedRv)
                {
                    throw ApiError.Gone(from);
                }

                foreach (var h in _history.Where(h => h.Rv > from && h.Type.StorageKey == type.StorageKey))
                {
                    sub.Offer(h.EventType, Stamp(type, h.Object.DeepClone().AsObject()), h.Old);
                }
            }

            _watches.Add(sub);
        }

        return sub;
    }

    public void Unsubscribe(WatchSubscription sub)
    {
        lock (_gate)
        {
            _watches.Remove(sub);
        }
    }

    /// <summary>Queues a BOOKMARK carrying the current resourceVersion (ordered after every queued event).</summary>
    public void Bookmark(WatchSubscription sub)
    {
        lock (_gate)
        {
            sub.Enqueue("BOOKMARK", new JsonObject
            {
                ["kind"] = sub.Type.Kind,
                ["apiVersion"] = sub.Type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _rv.ToString(CultureInfo.InvariantCulture) },
            });
        }
    }

    /// <summary>Drops every open watch (fault hook).</summary>
    public int DropWatches(bool abort, Func<ResourceType, bool>? which = null)
    {
        lock (_gate)
        {
            var dropped = _watches.Where(w => which?.Invoke(w.Type) ?? true).ToList();
            foreach (var w in dropped)
            {
                w.Drop(abort);
            }

            return dropped.Count;
        }
    }

    /// <summary>Forgets the event history: resuming from any resourceVersion up to now gets 410 Expired.</summary>
    public void CompactHistory()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedRv = _rv + 1;
        }
    }

    private SortedDictionary<string, JsonObject> Bucket(ResourceType type)
    {
        if (!_objects.TryGetValue(type.StorageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[type.StorageKey] = bucket;
        }

        return bucket;
    }

    private JsonObject Find(ResourceType type, string? ns, string name) =>
        Bucket(type).TryGetValue(Key(ns, name), out var o) ? o : throw ApiError.NotFound(type, name);

    private void Record(ResourceType type, string eventType, JsonObject obj, JsonObject? old)
    {
        var entry = new HistoryEntry(_rv, type, eventType, obj.DeepClone().AsObject(), old?.DeepClone().AsObject());
        _history.Add(entry);
        if (_history.Count > HistoryLimit)
        {
            _compactedRv = _history[0].Rv;
            _history.RemoveAt(0);
        }

        foreach (var w in _watches.Where(w => w.Type.StorageKey == type.StorageKey))
        {
            w.Offer(eventType, Stamp(w.Type, entry.Object.DeepClone().AsObject()), entry.Old);
        }
    }

    private string Next() => (++_rv).ToString(CultureInfo.InvariantCulture);

    private static string Key(string? ns, string name) => $"{ns}/{name}";

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            obj["metadata"] = meta;
        }

        return meta;
    }

    // The stored object answers in the version it is read through (all versions share one storage).
    private static JsonObject Stamp(ResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        if (type.Group == "" && type.Kind == "Namespace" && Metadata(obj) is { } meta && (string?)meta["name"] is { } name)
        {
            // kube-apiserver (1.22+) labels every Namespace with its own name, and keeps the label on every write.
            if (meta["labels"] is not JsonObject labels)
            {
                labels = new JsonObject();
                meta["labels"] = labels;
            }

            labels["kubernetes.io/metadata.name"] = name;
        }

        return obj;
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("metadata");
        copy.Remove("status");
        copy.Remove("apiVersion");
        copy.Remove("kind");
        return copy;
    }
}
