using System.IO.Pipelines;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>A call's side of the connection: its request body within the send windows, its receive window, its end.</summary>
internal sealed partial class UpstreamConnection
{
    /// <summary>
    /// Streams the rest of the request body as DATA frames within the backend's flow-control windows. A body that
    /// cannot be read (the client went away) resets the stream, so the call never waits for an answer the backend
    /// will not give.
    /// </summary>
    public async Task SendBodyAsync(UpstreamStream s, PipeReader body)
    {
        try
        {
            while (true)
            {
                var r = await body.ReadAsync();
                if (r.IsCanceled)
                {
                    return;
                }

                var buf = r.Buffer;
                var endPending = r.IsCompleted;
                while (!buf.IsEmpty || endPending)
                {
                    lock (_sync)
                    {
                        if (s.Closed)
                        {
                            body.AdvanceTo(r.Buffer.End);
                            return;
                        }

                        if (buf.IsEmpty)
                        {
                            // END_STREAM alone takes no window (and a window driven negative by SETTINGS must not matter).
                            WriteData(_out.Writer, s.Id, buf, true);
                            s.LocalEnded = true;
                            endPending = false;
                            Flush();
                            continue;
                        }

                        var n = Math.Min(buf.Length, Math.Min(Math.Min(s.SendWindow, _sendWindow), MaxFrame));
                        if (n > 0)
                        {
                            var end = endPending && n == buf.Length;
                            WriteData(_out.Writer, s.Id, buf.Slice(0, n), end);
                            s.SendWindow -= n;
                            _sendWindow -= n;
                            buf = buf.Slice(n);
                            if (end)
                            {
                                s.LocalEnded = true;
                                endPending = false;
                            }

                            Flush();
                            continue;
                        }

                        // Armed under the lock that every window increase takes: a WINDOW_UPDATE processed after
                        // this point finds WaitingForWindow set and completes the wait, even before it is awaited.
                        s.WindowOpened.Reset();
                        s.WaitingForWindow = true;
                    }

                    await s.WindowOpened.WaitAsync();
                }

                body.AdvanceTo(r.Buffer.End);
                if (r.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            Cancel(s, e as UpstreamException ?? new UpstreamException("the request body could not be forwarded: " + e.Message));
            throw;
        }
    }

    // Under _sync: both windows open, and the stream waits: let it send.
    private void Wake(UpstreamStream s)
    {
        if (s.WaitingForWindow && s.SendWindow > 0 && _sendWindow > 0)
        {
            s.WaitingForWindow = false;
            s.WindowOpened.Set();
        }
    }

    /// <summary>The caller consumed <paramref name="n"/> body bytes: reopen the stream's window in large steps.</summary>
    public void Consumed(UpstreamStream s, int n)
    {
        lock (_sync)
        {
            if (s.Closed || s.RemoteEnded || s.Connection != this)
            {
                return;
            }

            Credit(s, n);
        }
    }

    // Under _sync: bytes the backend may send again on the stream.
    private void Credit(UpstreamStream s, int n)
    {
        s.ReceivedUnacked += n;
        if (s.ReceivedUnacked >= StreamWindow / 2)
        {
            FrameWriter.WindowUpdate(_out.Writer, s.Id, s.ReceivedUnacked);
            s.ReceiveWindow += s.ReceivedUnacked;
            s.ReceivedUnacked = 0;
            Flush();
        }
    }

    /// <summary>Ends a call early (client gone, response done before the request): RST_STREAM CANCEL.</summary>
    public void Cancel(UpstreamStream s, Exception reason)
    {
        lock (_sync)
        {
            if (s.Closed || s.Connection != this)
            {
                return;
            }

            ResetStream(s, ErrorCode.Cancel, reason);
        }
    }

    // Under _sync: RST_STREAM with the code, and the stream's readers see the reason.
    private void ResetStream(UpstreamStream s, uint code, Exception reason)
    {
        if (_dead is null)
        {
            FrameWriter.RstStream(_out.Writer, s.Id, code);
            Flush();
        }

        CloseStream(s, reason);
    }

    private void OnRstStream(int id, uint code)
    {
        lock (_sync)
        {
            if (_streams.TryGetValue(id, out var s))
            {
                // REFUSED_STREAM: the backend did not process it (RFC 9113 8.7), so the call may go again.
                CloseStream(s, new UpstreamException($"the backend reset the stream ({code})", code == ErrorCode.RefusedStream));
            }
        }
    }

    // Under _sync: END_STREAM from the backend. The call is over for it; if our side had not ended, RST_STREAM
    // NO_ERROR closes it (RFC 9113 8.1), so the stream stops counting against the backend's concurrency.
    private void EndRemote(UpstreamStream s)
    {
        s.RemoteEnded = true;
        s.Body.Writer.Complete();
        if (!s.LocalEnded && _dead is null)
        {
            FrameWriter.RstStream(_out.Writer, s.Id, ErrorCode.NoError);
            Flush();
        }

        CloseStream(s, null);
    }

    // Under _sync: the stream gets no more frames; its readers see the reason (null = ended normally).
    private void CloseStream(UpstreamStream s, Exception? reason)
    {
        s.Closed = true;
        _streams.Remove(s.Id);
        if (!s.RemoteEnded)
        {
            s.RemoteEnded = true;
            s.Body.Writer.Complete(reason);
        }

        if (!s.HeadersReceived)
        {
            s.HeadersArrived.Fail(reason ?? new UpstreamException("the backend ended the stream without headers"));
        }

        if (s.WaitingForWindow)
        {
            s.WaitingForWindow = false;
            s.WindowOpened.Set();
        }

        if (_streams.Count == 0)
        {
            _idleSince = Environment.TickCount64;
            if (_goingAway && _dead is null)
            {
                ShutdownLocked(new UpstreamException("the connection drained after GOAWAY", beforeProcessing: true), ErrorCode.NoError);
            }
        }
    }
}
