using System.IO.Pipelines;
using Switchyard.DataPlane.Metrics;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// The server's request body reader with metrics' byte counter kept up to date: what is consumed is what the upstream
/// path sent. Used only for a body streamed past the first read (a unary body sent with the headers is counted there).
/// </summary>
internal sealed class CountedBodyReader(PipeReader inner, RequestBodyCounter counter) : PipeReader
{
    private System.Buffers.ReadOnlySequence<byte> _last;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) => Keep(await inner.ReadAsync(cancellationToken));

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Keep(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        counter.Counted(_last.Slice(0, consumed).Length);
        _last = default;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null)
    {
        // The server's reader is the server's to complete.
    }

    private ReadResult Keep(ReadResult result)
    {
        _last = result.Buffer;
        return result;
    }
}
