using System.Buffers.Binary;

namespace Switchyard.DataPlane.Forwarding.Http2Upstream;

/// <summary>
/// Connection-level frames from the backend (SETTINGS, WINDOW_UPDATE, GOAWAY, PING), the liveness timer and the
/// connection's end.
/// </summary>
internal sealed partial class UpstreamConnection
{
    private Timer? _timer;
    private long _lastReadAt; // Environment.TickCount64 of the last bytes from the backend
    private long _pingSentAt; // 0: no PING outstanding
    private long _idleSince; // 0: streams are open

    // Traefik's pingTimeout 0 is its default, 15 s (as ServersTransportHandlerFactory gives SocketsHttpHandler).
    private TimeSpan PingTimeout => _options.PingTimeout > TimeSpan.Zero ? _options.PingTimeout : TimeSpan.FromSeconds(15);

    private void Start()
    {
        _lastReadAt = _idleSince = Environment.TickCount64;
        var o = _options;
        var shortest = new[] { o.ReadIdleTimeout, PingTimeout, o.IdleConnTimeout }.Where(t => t > TimeSpan.Zero)
            .DefaultIfEmpty(TimeSpan.FromSeconds(1)).Min();
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 4, 10, 1000));
        _timer = new Timer(static c => ((UpstreamConnection)c!).OnTick(), this, tick, tick); // before the loops can end it
        _sendLoop = SendLoopAsync();
        _ = ReadLoopAsync();
    }

    // The liveness check (x/net/http2's ReadIdleTimeout/PingTimeout, as Traefik configures it) and the idle close.
    private void OnTick()
    {
        lock (_sync)
        {
            if (_dead is not null)
            {
                return;
            }

            var now = Environment.TickCount64;
            if (_pingSentAt != 0)
            {
                if (now - _pingSentAt >= (long)PingTimeout.TotalMilliseconds)
                {
                    ShutdownLocked(new UpstreamException(
                        $"the backend did not answer a PING within {PingTimeout.TotalSeconds:0.###} s"), null);
                    return;
                }
            }
            else if (_options.ReadIdleTimeout > TimeSpan.Zero
                && now - Volatile.Read(ref _lastReadAt) >= (long)_options.ReadIdleTimeout.TotalMilliseconds)
            {
                _pingSentAt = now;
                Span<byte> opaque = stackalloc byte[8];
                BinaryPrimitives.WriteInt64BigEndian(opaque, now);
                FrameWriter.Ping(_out.Writer, opaque, false);
                Flush();
            }

            if (_streams.Count == 0 && _idleSince != 0 && _options.IdleConnTimeout > TimeSpan.Zero
                && now - _idleSince >= (long)_options.IdleConnTimeout.TotalMilliseconds)
            {
                Retire();
                ShutdownLocked(new UpstreamException("idle connection closed", beforeProcessing: true), ErrorCode.NoError);
            }
        }
    }

    private void OnSettings(ReadOnlySpan<byte> payload)
    {
        lock (_sync)
        {
            var maxStreamsSeen = false;
            for (var p = 0; p + 6 <= payload.Length; p += 6)
            {
                var key = BinaryPrimitives.ReadUInt16BigEndian(payload[p..]);
                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(p + 2)..]);
                switch (key)
                {
                    case 0x3:
                        _peerMaxStreams = (int)Math.Min(value, int.MaxValue);
                        maxStreamsSeen = true;
                        break;
                    case 0x4:
                        if (value > int.MaxValue)
                        {
                            throw new Http2ProtocolException(ErrorCode.FlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
                        }

                        var delta = (long)value - _peerInitialWindow;
                        _peerInitialWindow = (int)value;
                        foreach (var s in _streams.Values)
                        {
                            s.SendWindow += delta;
                            Wake(s);
                        }

                        break;
                    case 0x5:
                        if (value is < 16384 or > 16777215)
                        {
                            throw new Http2ProtocolException(ErrorCode.ProtocolError, "SETTINGS_MAX_FRAME_SIZE out of range");
                        }

                        break; // we never send frames above the 16 KiB default anyway
                }
            }

            if (!_settingsReceived)
            {
                // The first SETTINGS without a limit means none: x/net/http2 then assumes 1000, so do we.
                _settingsReceived = true;
                if (!maxStreamsSeen)
                {
                    _peerMaxStreams = 1000;
                }
            }

            FrameWriter.SettingsAck(_out.Writer);
            Flush();
        }

        _settingsArrived.Set();
    }

    private void OnWindowUpdate(int id, int increment)
    {
        lock (_sync)
        {
            if (id == 0)
            {
                if (increment == 0 || _sendWindow + increment > int.MaxValue)
                {
                    throw new Http2ProtocolException(increment == 0 ? ErrorCode.ProtocolError : ErrorCode.FlowControlError,
                        "bad connection WINDOW_UPDATE");
                }

                _sendWindow += increment;
                foreach (var s in _streams.Values)
                {
                    Wake(s);
                }
            }
            else if (_streams.TryGetValue(id, out var s))
            {
                if (increment == 0 || s.SendWindow + increment > int.MaxValue)
                {
                    ResetStream(s, increment == 0 ? ErrorCode.ProtocolError : ErrorCode.FlowControlError,
                        new UpstreamException("the backend sent a bad stream WINDOW_UPDATE"));
                    return;
                }

                s.SendWindow += increment;
                Wake(s);
            }
        }
    }

    private void OnPingAck()
    {
        lock (_sync)
        {
            _pingSentAt = 0;
        }
    }

    /// <summary>
    /// GOAWAY: streams above the last id were never processed and fail as safe to retry; the rest finish, then the
    /// connection closes. No new stream goes to it, and the pool forgets it at once.
    /// </summary>
    private void OnGoAway(int lastStreamId, uint code)
    {
        lock (_sync)
        {
            Retire();
            List<UpstreamStream>? refused = null;
            foreach (var s in _streams.Values)
            {
                if (s.Id > lastStreamId)
                {
                    (refused ??= []).Add(s);
                }
            }

            if (refused is not null)
            {
                var reason = new UpstreamException($"the backend is going away (GOAWAY {code}) before it processed the call", beforeProcessing: true);
                foreach (var s in refused)
                {
                    CloseStream(s, reason);
                }
            }

            if (_streams.Count == 0 && _dead is null)
            {
                ShutdownLocked(new UpstreamException("the backend closed the connection (GOAWAY)", beforeProcessing: true), null);
            }
        }
    }

    // Under _sync: no new streams; the pool stops offering the connection.
    private void Retire()
    {
        if (!_goingAway)
        {
            _goingAway = true;
            _onRetired?.Invoke(this);
        }
    }

    /// <summary>The connection is unusable: every open stream fails with the reason and the socket closes.</summary>
    private void Die(Exception reason, uint? goAway = null)
    {
        lock (_sync)
        {
            ShutdownLocked(reason as UpstreamException ?? new UpstreamException("backend connection failed: " + reason.Message), goAway);
        }
    }

    // Under _sync. GOAWAY (when given) is the last frame out; the socket closes once the send loop has written it,
    // or after a second if the backend stopped reading.
    private void ShutdownLocked(Exception reason, uint? goAway)
    {
        if (_dead is not null)
        {
            return;
        }

        _dead = reason;
        Retire();
        if (_streams.Count > 0)
        {
            foreach (var s in _streams.Values.ToList())
            {
                CloseStream(s, reason);
            }
        }

        _settingsArrived.Fail(reason);
        if (goAway is { } code)
        {
            FrameWriter.GoAway(_out.Writer, 0, code);
        }

        _out.Writer.Complete();
        _timer?.Dispose();
        _ = CloseSocketAsync();
    }

    private async Task CloseSocketAsync()
    {
        try
        {
            await _sendLoop.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The backend stopped reading: the socket closes without our last frames.
        }

        _tls?.Dispose();
        _socket.Dispose();
    }
}
