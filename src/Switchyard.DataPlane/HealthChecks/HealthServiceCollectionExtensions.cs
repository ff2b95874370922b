using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Switchyard.DataPlane.HealthChecks;

public static class HealthServiceCollectionExtensions
{
    /// <summary>
    /// Registers the health transition hub: <see cref="ServerHealthEvents"/> (used by ServiceTreeBuilder) and
    /// <see cref="IServerHealthEvents"/> (for subscribers). Without it transitions are still logged.
    /// </summary>
    public static IServiceCollection AddSwitchyardHealthEvents(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerHealthEvents>();
        services.TryAddSingleton<IServerHealthEvents>(sp => sp.GetRequiredService<ServerHealthEvents>());
        return services;
    }
}
