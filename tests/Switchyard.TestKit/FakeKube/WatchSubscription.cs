using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Switchyard.TestKit.FakeKube;

/// <summary>One line of a watch stream.</summary>
public sealed record WatchEvent(string Type, JsonObject Object);

/// <summary>
/// One open watch: its filters and the queue of events still to be written. Events are queued under the
/// store's lock, so each watch sees writes in resourceVersion order.
/// </summary>
public sealed class WatchSubscription(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
{
    private readonly Channel<WatchEvent> _queue = Channel.CreateUnbounded<WatchEvent>(new() { SingleReader = true });
    private readonly CancellationTokenSource _dropped = new();

    public ResourceType Type { get; } = type;

    public ChannelReader<WatchEvent> Events => _queue.Reader;

    /// <summary>Fires when a fault hook drops this watch.</summary>
    public CancellationToken Dropped => _dropped.Token;

    /// <summary>Whether the drop should reset the connection (true) or end the response cleanly (false).</summary>
    public bool AbortOnDrop { get; private set; }

    public void Drop(bool abort)
    {
        AbortOnDrop = abort;
        _dropped.Cancel();
    }

    internal bool Matches(JsonObject obj) =>
        (ns is null || (string?)obj["metadata"]?["namespace"] == ns) && labels.Matches(obj) && fields.Matches(obj);

    internal void Enqueue(string eventType, JsonObject obj) => _queue.Writer.TryWrite(new WatchEvent(eventType, obj));

    /// <summary>Translates a stored change for this watch's filters (objects entering or leaving the selection).</summary>
    internal void Offer(string eventType, JsonObject obj, JsonObject? old)
    {
        var now = Matches(obj);
        var was = old is not null && Matches(old);
        switch (eventType)
        {
            case "ADDED" when now:
                Enqueue("ADDED", obj);
                break;
            case "MODIFIED" when now && was:
                Enqueue("MODIFIED", obj);
                break;
            case "MODIFIED" when now:
                Enqueue("ADDED", obj);
                break;
            case "MODIFIED" when was:
                Enqueue("DELETED", obj);
                break;
            case "DELETED" when now:
                Enqueue("DELETED", obj);
                break;
        }
    }
}
