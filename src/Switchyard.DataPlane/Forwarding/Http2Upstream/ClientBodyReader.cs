using System.IO.Pipelines;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Calls on the client's request body reader that may find it gone. Kestrel's reader throws once the client reset the
/// stream (or the reader was completed): a cancelled call must still end in a reported outcome, not an exception out
/// of the forwarder.
/// </summary>
internal static class ClientBodyReader
{
    /// <summary>Advances the reader; false when it cannot any more.</summary>
    public static bool TryAdvanceTo(PipeReader reader, SequencePosition consumed)
    {
        try
        {
            reader.AdvanceTo(consumed);
            return true;
        }
        catch (Exception e) when (IsGone(e))
        {
            return false;
        }
    }

    /// <summary>Wakes a pending read; a reader that is gone has failed its read by itself.</summary>
    public static void TryCancelPendingRead(PipeReader reader)
    {
        try
        {
            reader.CancelPendingRead();
        }
        catch (Exception e) when (IsGone(e))
        {
        }
    }

    // What Kestrel's request body reader throws after the client reset the stream.
    private static bool IsGone(Exception e) => e is IOException or InvalidOperationException or OperationCanceledException;
}
