using Grpc.Core;
using Switchyard.Demo.Grpc;

namespace Switchyard.Demo;

/// <summary>The demo implementation: every answer says which backend produced it.</summary>
internal sealed class UserServiceImpl(BackendName backend) : UserService.UserServiceBase
{
    public override async Task<User> GetUser(GetUserRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { "x-served-by", backend.Value } });
        return new User { Id = request.Id, Name = $"user-{request.Id}", ServedBy = backend.Value };
    }

    public override async Task ListUsers(ListUsersRequest request, IServerStreamWriter<User> responseStream, ServerCallContext context)
    {
        var count = Math.Clamp(request.Count, 0, 1000);
        for (var i = 1; i <= count; i++)
        {
            await responseStream.WriteAsync(new User { Id = i, Name = $"user-{i}", ServedBy = backend.Value }, context.CancellationToken);
        }
    }

    public override Task<User> CreateUser(CreateUserRequest request, ServerCallContext context) =>
        Task.FromResult(new User { Id = Random.Shared.Next(1000, 9999), Name = request.Name, ServedBy = backend.Value });
}

internal sealed record BackendName(string Value);
