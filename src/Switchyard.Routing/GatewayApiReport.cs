using System.Collections.Immutable;
using Switchyard.Model.Diagnostics;
using Switchyard.Model.GatewayApi;

namespace Switchyard.Routing;

/// <summary>
/// The Gateway API status the compiler derived (GatewayClass Accepted; Gateway Accepted/Programmed and per-listener
/// conditions with attachedRoutes; route parents[] with Accepted/ResolvedRefs), in the spec's shapes and reasons.
/// Conditions carry no lastTransitionTime: the status writer keeps the old time of an unchanged condition.
/// </summary>
public sealed record GatewayApiReport(
    ImmutableArray<GatewayClassReport> Classes,
    ImmutableArray<GatewayReport> Gateways,
    ImmutableArray<RouteReport> Routes)
{
    public static GatewayApiReport Empty { get; } = new([], [], []);

    /// <summary>BackendTLSPolicies that apply through one of our Gateways: one ancestor entry per Gateway.</summary>
    public ImmutableArray<BackendTlsPolicyReport> Policies { get; init; } = [];

    /// <summary>The controllerName of our entries (a route's parents[], a policy's ancestors), to tell them from other controllers'.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ControllerName { get; init; } = GatewayApiKinds.DefaultControllerName;
}

/// <summary>Status of a GatewayClass this controller handles (cluster-scoped: <see cref="Name"/> only).</summary>
public sealed record GatewayClassReport(string Name, GatewayClassStatus Status);

/// <summary>Status of a Gateway of one of our classes.</summary>
public sealed record GatewayReport(ResourceRef Gateway, GatewayStatus Status);

/// <summary>Status of a BackendTLSPolicy: our ancestors (Gateways) with Accepted/ResolvedRefs.</summary>
public sealed record BackendTlsPolicyReport(ResourceRef Policy, PolicyStatus Status);

/// <summary>Status of an HTTPRoute or GRPCRoute: one parent entry per parentRef naming one of our Gateways.</summary>
public sealed record RouteReport(ResourceRef Route, RouteStatus Status);
