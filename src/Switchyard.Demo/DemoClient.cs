using Grpc.Core;
using Switchyard.Demo.Grpc;

namespace Switchyard.Demo;

/// <summary>
/// Makes calls through the gateway and prints which backend answered (grpcurl is not needed). The gateway
/// address is where to connect; the authority is the Host the routes match (grpc.localhost by default), sent
/// without relying on DNS for *.localhost.
/// </summary>
internal static class DemoClient
{
    public static async Task<int> CallAsync(Uri gateway, string authority, int count, string method, CancellationToken cancellationToken)
    {
        using var channel = GatewayChannel.Create(gateway, authority);
        var client = new UserService.UserServiceClient(channel);
        var tally = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = 0;
        for (var i = 1; i <= count; i++)
        {
            try
            {
                var servedBy = method switch
                {
                    "list" => await ListAsync(client, cancellationToken),
                    "create" => (await client.CreateUserAsync(new CreateUserRequest { Name = $"demo-{i}" }, cancellationToken: cancellationToken)).ServedBy,
                    _ => (await client.GetUserAsync(new GetUserRequest { Id = i }, cancellationToken: cancellationToken)).ServedBy,
                };
                tally[servedBy] = tally.GetValueOrDefault(servedBy) + 1;
                Console.WriteLine($"call {i,3}: {method} answered by {servedBy}");
            }
            catch (RpcException ex)
            {
                failures++;
                Console.WriteLine($"call {i,3}: {method} failed: {ex.StatusCode} {ex.Status.Detail}");
            }
        }

        Console.WriteLine("summary: " + string.Join(", ", tally.Select(t => $"{t.Key} {t.Value}")) + (failures > 0 ? $", failed {failures}" : ""));
        return failures == count ? 1 : 0;
    }

    private static async Task<string> ListAsync(UserService.UserServiceClient client, CancellationToken cancellationToken)
    {
        using var call = client.ListUsers(new ListUsersRequest { Count = 3 }, cancellationToken: cancellationToken);
        var servedBy = "";
        var n = 0;
        await foreach (var user in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            servedBy = user.ServedBy;
            n++;
        }

        return $"{servedBy} ({n} streamed)";
    }
}
