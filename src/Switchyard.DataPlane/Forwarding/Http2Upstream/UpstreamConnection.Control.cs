using System.Buffers.Binary;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>Connection-level frames from the backend (SETTINGS, WINDOW_UPDATE, GOAWAY) and the connection's death.</summary>
internal sealed partial class UpstreamConnection
{
    private void OnSettings(ReadOnlySpan<byte> payload)
    {
        lock (_sync)
        {
            for (var p = 0; p + 6 <= payload.Length; p += 6)
            {
                var key = BinaryPrimitives.ReadUInt16BigEndian(payload[p..]);
                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(p + 2)..]);
                switch (key)
                {
                    case 0x3:
                        _peerMaxStreams = (int)Math.Min(value, int.MaxValue);
                        break;
                    case 0x4:
                        var delta = (long)value - _peerInitialWindow;
                        _peerInitialWindow = (int)value;
                        foreach (var s in _streams.Values)
                        {
                            s.SendWindow += delta;
                            Wake(s);
                        }

                        break;
                    case 0x5:
                        _peerMaxFrame = (int)Math.Clamp(value, 16384u, 16777215u);
                        break;
                }
            }

            FrameWriter.SettingsAck(_out.Writer);
            Flush();
        }
    }

    private void OnWindowUpdate(int id, int increment)
    {
        lock (_sync)
        {
            if (id == 0)
            {
                _sendWindow += increment;
                foreach (var s in _connectionWindowWaiters)
                {
                    Wake(s);
                }

                _connectionWindowWaiters.Clear();
            }
            else if (_streams.TryGetValue(id, out var s))
            {
                s.SendWindow += increment;
                Wake(s);
            }
        }
    }

    private static void Wake(UpstreamStream s)
    {
        if (s.WaitingForWindow && s.SendWindow > 0)
        {
            s.WaitingForWindow = false;
            s.WindowOpened.Set();
        }
    }

    private void OnGoAway(int lastStreamId)
    {
        lock (_sync)
        {
            _goingAway = true;
            foreach (var s in _streams.Values.Where(s => s.Id > lastStreamId).ToList())
            {
                CloseStream(s, new UpstreamException("the backend is going away (GOAWAY)", beforeProcessing: true));
            }
        }
    }

    /// <summary>The connection is unusable: every open stream fails with the reason and the socket closes.</summary>
    private void Die(Exception reason)
    {
        lock (_sync)
        {
            if (_dead is not null)
            {
                return;
            }

            _dead = reason as UpstreamException ?? new UpstreamException("backend connection failed: " + reason.Message);
            foreach (var s in _streams.Values.ToList())
            {
                CloseStream(s, _dead);
            }

            _out.Writer.Complete();
        }

        _socket.Dispose();
    }
}
