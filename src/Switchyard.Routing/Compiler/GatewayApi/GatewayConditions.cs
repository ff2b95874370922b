using Switchyard.Model.GatewayApi;

namespace Switchyard.Routing.Compiler.GatewayApi;

/// <summary>Conditions and reasons of the Gateway API spec (apis/v1 gateway_types.go, shared_types.go).</summary>
internal static class GatewayConditions
{
    public const string Accepted = "Accepted";
    public const string Programmed = "Programmed";
    public const string ResolvedRefs = "ResolvedRefs";
    public const string Conflicted = "Conflicted";

    public static GatewayCondition True(string type, string reason, string message, long generation) =>
        new() { Type = type, Status = "True", Reason = reason, Message = message, ObservedGeneration = generation };

    public static GatewayCondition False(string type, string reason, string message, long generation) =>
        new() { Type = type, Status = "False", Reason = reason, Message = message, ObservedGeneration = generation };
}
