using System.Diagnostics;
using Switchyard.Demo.Grpc;

namespace Switchyard.Demo;

/// <summary>
/// A rough load loop for the README figures: <c>bench --count N --concurrency C</c> makes N unary GetUser calls
/// over one h2c connection with C callers and prints calls/s. Pair it with the gateway's CPU time
/// (/proc/PID/stat) to get CPU per call. Real benchmarks live in bench/.
/// </summary>
internal static class DemoBench
{
    public static async Task<int> RunAsync(Uri gateway, string authority, int count, int concurrency, CancellationToken cancellationToken)
    {
        using var channel = GatewayChannel.Create(gateway, authority);
        var client = new UserService.UserServiceClient(channel);
        await client.GetUserAsync(new GetUserRequest { Id = 0 }, cancellationToken: cancellationToken); // warm the connection
        var remaining = count;
        var failed = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                try
                {
                    await client.GetUserAsync(new GetUserRequest { Id = 1 }, cancellationToken: cancellationToken);
                }
                catch (global::Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        clock.Stop();
        Console.WriteLine($"bench: {count} calls, {concurrency} callers, {clock.Elapsed.TotalSeconds:0.00} s, {count / clock.Elapsed.TotalSeconds:0} calls/s, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
