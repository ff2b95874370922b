using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Switchyard.DataPlane.Forwarding.Http2Upstream;
using Switchyard.TestKit;
using Switchyard.TestKit.Grpc;
using Yarp.ReverseProxy.Forwarder;

namespace Switchyard.DataPlane.Tests.Forwarding;

/// <summary>
/// A caller that gives up: the forwarder must come back (its outcome is what the data plane logs and counts) and the
/// stream's slot on the backend connection must be free again, whatever phase the call was in.
/// </summary>
public sealed partial class Http2UpstreamTests
{
    /// <summary>Records what each forward returned: the forwarder's own error or the call's end.</summary>
    private sealed class Outcomes
    {
        private readonly List<string> _seen = [];

        public int Count { get { lock (_seen) { return _seen.Count; } } }

        public string[] All { get { lock (_seen) { return [.. _seen]; } } }

        public Func<HttpContext, RequestDelegate, Task> Middleware => async (ctx, next) =>
        {
            try
            {
                await next(ctx);
                Add(ctx.Features.Get<IForwarderErrorFeature>()?.Error.ToString() ?? "None");
            }
            catch (Exception e)
            {
                Add("threw " + e.GetType().Name + ": " + e.Message);
                throw;
            }
        };

        private void Add(string s)
        {
            lock (_seen)
            {
                _seen.Add(s);
            }
        }
    }

    [Test]
    public async Task A_caller_that_cancels_while_the_backend_holds_the_call_gets_an_outcome_reported()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var outcomes = new Outcomes();
        await using var front = await Front.StartAsync(backend.Port, before: outcomes.Middleware);
        Assert.That((await front.Client.UnaryAsync(new EchoRequest { Message = "warm" })).Message, Is.EqualTo("warm"));

        using var cts = new CancellationTokenSource();
        var call = front.Client.UnaryAsync(new EchoRequest { Message = "slow", DelayMs = 60_000 }, cancellationToken: cts.Token);
        await Wait.UntilAsync(() => backend.Calls == 2, TimeSpan.FromSeconds(10), "the backend to receive the call");
        await cts.CancelAsync();
        Assert.That((await Fails(async () => await call)).StatusCode, Is.EqualTo(StatusCode.Cancelled));

        await Wait.UntilAsync(() => outcomes.Count == 2, TimeSpan.FromSeconds(10), () => $"the forwarder to return; seen: {string.Join(", ", outcomes.All)}");
        Assert.That(outcomes.All, Is.EqualTo(new[] { "None", nameof(ForwarderError.RequestCanceled) }));
    }

    [Test]
    public async Task Cancelled_calls_in_every_phase_free_their_stream_slots()
    {
        await using var backend = await GrpcTestBackend.StartAsync("b1");
        var outcomes = new Outcomes();
        await using var front = await Front.StartAsync(backend.Port, before: outcomes.Middleware);
        for (var round = 0; round < 3; round++)
        {
            // Before the answer, request body whole: the backend holds a unary call.
            using (var cts = new CancellationTokenSource())
            {
                var calls = backend.Calls;
                var call = front.Client.UnaryAsync(new EchoRequest { Message = "slow", DelayMs = 60_000 }, cancellationToken: cts.Token);
                await Wait.UntilAsync(() => backend.Calls == calls + 1, TimeSpan.FromSeconds(10), "the unary call to reach the backend");
                await cts.CancelAsync();
                await Fails(async () => await call);
            }

            // Before the answer, mid request body: a client stream that sent one message of many.
            using (var cts = new CancellationTokenSource())
            {
                var calls = backend.Calls;
                using var upload = front.Client.ClientStream(cancellationToken: cts.Token);
                await upload.RequestStream.WriteAsync(new EchoRequest { Message = "first" }, Token);
                await Wait.UntilAsync(() => backend.Calls == calls + 1, TimeSpan.FromSeconds(10), "the client stream to reach the backend");
                await cts.CancelAsync();
                await Fails(async () => await upload);
            }

            // Mid response body: a server stream cancelled after its first message.
            using (var cts = new CancellationTokenSource())
            {
                using var download = front.Client.ServerStream(new StreamRequest { Message = "s", Count = 100_000, IntervalMs = 5 },
                    cancellationToken: cts.Token);
                Assert.That(await download.ResponseStream.MoveNext(Token), Is.True);
                await cts.CancelAsync();
                await Fails(async () => await download.ResponseStream.MoveNext(Token));
            }

            var expected = 3 * (round + 1);
            await Wait.UntilAsync(() => outcomes.Count == expected, TimeSpan.FromSeconds(10),
                () => $"every cancelled call's forward to return; seen: {string.Join(", ", outcomes.All)}");
        }

        await Wait.UntilAsync(() => front.Pool.Connections.Sum(c => c.Active) == 0, TimeSpan.FromSeconds(10),
            () => $"no stream slot held; active: {front.Pool.Connections.Sum(c => c.Active)}");
        Assert.Multiple(() =>
        {
            // As YARP reports a client that left: cancelled, or (mid-answer) the write to it failed.
            Assert.That(outcomes.All, Is.All.AnyOf(nameof(ForwarderError.RequestCanceled), nameof(ForwarderError.RequestBodyCanceled),
                nameof(ForwarderError.RequestBodyClient), nameof(ForwarderError.ResponseBodyCanceled), nameof(ForwarderError.ResponseBodyClient)));
            Assert.That(front.Pool.Connections, Has.Length.EqualTo(1), "the connection kept serving");
        });
        Assert.That((await front.Client.UnaryAsync(new EchoRequest { Message = "after" })).Message, Is.EqualTo("after"));
    }
}
