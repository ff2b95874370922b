using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.TestKit.Grpc;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>The upstream against backends that go away, refuse, limit, fall silent or break the protocol.</summary>
public sealed partial class Http2UpstreamTests
{
    // The whole request body is here, seen and not consumed, when the forwarder starts: it sends the call in one write
    // and can replay it (a unary call whose DATA came with its HEADERS; without this the timing decides).
    private static async Task WholeBody(HttpContext ctx, RequestDelegate next)
    {
        var reader = ctx.Request.BodyReader;
        while (true)
        {
            var r = await reader.ReadAsync();
            if (r.IsCompleted)
            {
                reader.AdvanceTo(r.Buffer.Start);
                break;
            }

            reader.AdvanceTo(r.Buffer.Start, r.Buffer.End);
        }

        await next(ctx);
    }

    [Test]
    public async Task A_request_body_waits_for_both_windows_and_resumes_on_each_WINDOW_UPDATE()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port);

        var call = front.Client.ClientStream();
        await call.RequestStream.WriteAsync(new EchoRequest { Message = "big", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[100_000]) });
        await call.RequestStream.CompleteAsync();
        var c1 = await peer.AcceptAsync((0x4, 0)); // SETTINGS_INITIAL_WINDOW_SIZE 0: not a byte until we say so
        var headers = await c1.NextAsync(f => f.Type == FrameType.Headers);
        var stream = headers!.Stream;

        await c1.WriteAsync(FrameType.WindowUpdate, 0, stream, Increment(1 << 20)); // the stream's window opens...
        var sent = 0;
        while (sent < 65535) // ...and the connection's 65 535 bytes bound what comes
        {
            var d = await c1.NextAsync(f => f.Type == FrameType.Data);
            Assert.That(d!.Flags & FrameFlags.EndStream, Is.Zero);
            sent += d.Payload.Length;
        }

        Assert.That(sent, Is.EqualTo(65535), "no byte beyond the connection window");
        await c1.WriteAsync(FrameType.WindowUpdate, 0, 0, Increment(1 << 20));
        while (true)
        {
            var d = await c1.NextAsync(f => f.Type == FrameType.Data);
            sent += d!.Payload.Length;
            if ((d.Flags & FrameFlags.EndStream) != 0)
            {
                break;
            }
        }

        Assert.That(sent, Is.EqualTo(5 + new EchoRequest { Message = "big", Payload = Google.Protobuf.ByteString.CopyFrom(new byte[100_000]) }.CalculateSize()));
        await c1.AnswerAsync(stream, "got it");
        Assert.That((await call).Message, Is.EqualTo("got it"));
    }

    private static byte[] Increment(int n)
    {
        var p = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(p, n);
        return p;
    }

    [Test]
    public async Task A_GOAWAY_sends_the_calls_it_did_not_take_to_a_fresh_connection_and_the_old_one_drains()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port, before: WholeBody);

        var one = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        var s1 = await c1.CallAsync();
        var two = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var s3 = await c1.CallAsync();
        Assert.That((s1, s3), Is.EqualTo(((1, "one"), (3, "two"))));

        await c1.WriteCodeAsync(FrameType.GoAway, 0, ErrorCode.NoError, lastStreamId: 1); // took "one", not "two"
        var c2 = await peer.AcceptAsync();
        Assert.That(await c2.CallAsync(), Is.EqualTo((1, "two")), "the refused call goes again on a fresh connection");

        var three = front.Client.UnaryAsync(new EchoRequest { Message = "three" });
        Assert.That(await c2.CallAsync(), Is.EqualTo((3, "three")), "a new call never goes to the closing connection");

        await c2.AnswerAsync(1, "two!");
        await c2.AnswerAsync(3, "three!");
        await c1.AnswerAsync(1, "one!");
        Assert.That((await one).Message, Is.EqualTo("one!"), "the call below last-stream-id finishes on the old connection");
        Assert.That((await two).Message, Is.EqualTo("two!"));
        Assert.That((await three).Message, Is.EqualTo("three!"));
        Assert.That(await c1.NextAsync(f => f.Type == FrameType.Headers), Is.Null,
            "the old connection closes once its last stream is done, without another call");
        Assert.That(peer.Accepted, Is.EqualTo(2));
    }

    [Test]
    public async Task A_call_refused_with_REFUSED_STREAM_goes_again_and_is_answered()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port, before: WholeBody);

        var call = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        Assert.That(await c1.CallAsync(), Is.EqualTo((1, "one")));
        await c1.WriteCodeAsync(FrameType.RstStream, 1, ErrorCode.RefusedStream);

        Assert.That(await c1.CallAsync(), Is.EqualTo((3, "one")), "the same call, on the connection that still has room");
        await c1.AnswerAsync(3, "answered");
        Assert.That((await call).Message, Is.EqualTo("answered"));
    }

    [Test]
    public async Task The_backends_max_concurrent_streams_opens_another_connection_up_to_the_limit_then_fails_unavailable()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port, new UpstreamOptions { MaxConnections = 2 });
        (ushort, uint) oneStream = (0x3, 1);

        var one = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync(oneStream);
        Assert.That(await c1.CallAsync(), Is.EqualTo((1, "one")));
        var two = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var c2 = await peer.AcceptAsync(oneStream);
        Assert.That(await c2.CallAsync(), Is.EqualTo((1, "two")), "the full connection is not used: a second one is");

        var e = await Fails(async () => await front.Client.UnaryAsync(new EchoRequest { Message = "three" }));
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(e.Status.Detail, Does.Contain("concurrent stream limit"));

        await c1.AnswerAsync(1, "one!");
        Assert.That((await one).Message, Is.EqualTo("one!"));
        var four = front.Client.UnaryAsync(new EchoRequest { Message = "four" });
        Assert.That(await c1.CallAsync(), Is.EqualTo((3, "four")), "a finished stream frees its slot");
        await c1.AnswerAsync(3, "four!");
        await c2.AnswerAsync(1, "two!");
        Assert.That(((await two).Message, (await four).Message), Is.EqualTo(("two!", "four!")));
        Assert.That(peer.Accepted, Is.EqualTo(2));
    }

    [Test]
    public async Task A_connection_that_stops_answering_PING_fails_its_calls_and_the_next_call_dials_afresh()
    {
        await using var peer = new RawPeer();
        var options = new UpstreamOptions { ReadIdleTimeout = TimeSpan.FromMilliseconds(100), PingTimeout = TimeSpan.FromMilliseconds(300) };
        await using var front = await Front.StartAsync(peer.Port, options);

        var silent = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        await c1.CallAsync();
        var ping = await c1.NextAsync(f => f.Type == FrameType.Ping);
        Assert.That(ping, Is.Not.Null, "nothing read for ReadIdleTimeout: a PING goes out");
        var e = await Fails(async () => await silent); // never acknowledged: the connection is dead
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(e.Status.Detail, Does.Contain("PING"));
        Assert.That(await c1.NextAsync(_ => false), Is.Null, "the dead connection is closed");

        // A backend that answers its PINGs keeps the connection through several rounds.
        var patient = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var c2 = await peer.AcceptAsync();
        var (stream, _) = await c2.CallAsync();
        for (var i = 0; i < 3; i++)
        {
            var p = await c2.NextAsync(f => f.Type == FrameType.Ping);
            Assert.That(p, Is.Not.Null);
            await c2.WriteAsync(FrameType.Ping, FrameFlags.Ack, 0, p!.Payload);
        }

        await c2.AnswerAsync(stream, "two!");
        Assert.That((await patient).Message, Is.EqualTo("two!"));
    }

    [Test]
    public async Task A_connection_idle_for_idleConnTimeout_is_closed_with_GOAWAY_and_the_next_call_dials_afresh()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port, new UpstreamOptions { IdleConnTimeout = TimeSpan.FromMilliseconds(200) });

        var one = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        var (s1, _) = await c1.CallAsync();
        await c1.AnswerAsync(s1, "one!");
        Assert.That((await one).Message, Is.EqualTo("one!"));
        var goAway = await c1.NextAsync(f => f.Type == FrameType.GoAway);
        Assert.That(goAway?.Code, Is.EqualTo(ErrorCode.NoError), "the idle connection says goodbye");
        Assert.That(await c1.NextAsync(_ => false), Is.Null);

        var two = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var c2 = await peer.AcceptAsync();
        var (s2, _) = await c2.CallAsync();
        await c2.AnswerAsync(s2, "two!");
        Assert.That((await two).Message, Is.EqualTo("two!"));
    }

    [Test]
    public async Task A_backend_that_accepts_but_never_speaks_HTTP2_fails_the_call_within_the_dial_timeout()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port, new UpstreamOptions { DialTimeout = TimeSpan.FromMilliseconds(300) });

        var e = await Fails(async () => await front.Client.UnaryAsync(new EchoRequest { Message = "one" }));
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(e.Status.Detail, Does.Contain("timed out"));
        Assert.That(peer.Accepted, Is.EqualTo(1));
    }

    [Test]
    public async Task A_response_header_list_above_the_cap_resets_that_call_and_the_connection_keeps_serving()
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port);

        var big = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        var (stream, _) = await c1.CallAsync();
        // 4 KiB on the wire that decode to 320 KiB: one 4000-byte field put in the dynamic table, then named 80 times.
        var block = new List<byte>(Block((":status", "200")));
        block.Add(0x40);
        HpackString(block, "x-big");
        HpackString(block, new string('a', 4000));
        block.AddRange(Enumerable.Repeat((byte)0xBE, 80)); // indexed field 62: the newest dynamic entry
        await c1.WriteAsync(FrameType.Headers, FrameFlags.EndHeaders, stream, [.. block]);

        var rst = await c1.NextAsync(f => f.Type == FrameType.RstStream);
        Assert.That((rst!.Stream, rst.Code), Is.EqualTo((stream, ErrorCode.ProtocolError)));
        var e = await Fails(async () => await big);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));
        Assert.That(e.Status.Detail, Does.Contain("header list"));

        var next = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var (s2, m2) = await c1.CallAsync();
        Assert.That(m2, Is.EqualTo("two"));
        await c1.AnswerAsync(s2, "two!");
        Assert.That((await next).Message, Is.EqualTo("two!"));
        Assert.That(peer.Accepted, Is.EqualTo(1));
    }

    private static readonly object[] BrokenFrames =
    [
        new object[] { "WINDOW_UPDATE of 3 bytes", FrameType.WindowUpdate, 0, new byte[3], ErrorCode.FrameSizeError },
        new object[] { "DATA on stream 0", FrameType.Data, 0, new byte[1], ErrorCode.ProtocolError },
        new object[] { "DATA on a stream never opened", FrameType.Data, 7, new byte[1], ErrorCode.ProtocolError },
        new object[] { "HEADERS naming HPACK index 0", FrameType.Headers, 1, new byte[] { 0x80 }, ErrorCode.CompressionError },
        new object[] { "PUSH_PROMISE", FrameType.PushPromise, 1, new byte[4], ErrorCode.ProtocolError },
        new object[] { "zero connection WINDOW_UPDATE", FrameType.WindowUpdate, 0, new byte[4], ErrorCode.ProtocolError },
    ];

    [TestCaseSource(nameof(BrokenFrames))]
    public async Task A_protocol_error_from_the_backend_answers_GOAWAY_fails_the_call_unavailable_and_the_next_call_dials_afresh(
        string what, byte type, int stream, byte[] payload, uint code)
    {
        await using var peer = new RawPeer();
        await using var front = await Front.StartAsync(peer.Port);

        var broken = front.Client.UnaryAsync(new EchoRequest { Message = "one" });
        var c1 = await peer.AcceptAsync();
        await c1.CallAsync();
        await c1.WriteAsync(type, FrameFlags.EndHeaders, stream, payload);

        var goAway = await c1.NextAsync(f => f.Type == FrameType.GoAway);
        Assert.That(goAway?.Code, Is.EqualTo(code), what);
        Assert.That(await c1.NextAsync(_ => false), Is.Null, "the connection is closed after GOAWAY");
        var e = await Fails(async () => await broken);
        Assert.That(e.StatusCode, Is.EqualTo(StatusCode.Unavailable));

        var next = front.Client.UnaryAsync(new EchoRequest { Message = "two" });
        var c2 = await peer.AcceptAsync();
        var (s, m) = await c2.CallAsync();
        await c2.AnswerAsync(s, m + "!");
        Assert.That((await next).Message, Is.EqualTo("two!"));
    }
}
