using Switchyard.DataPlane.Balancers;

namespace Switchyard.DataPlane.Services;

/// <summary>Children of a weighted service that may take a call: weight above 0 and <see cref="IServiceHandler.IsAvailable"/>.</summary>
public readonly struct ChildCandidates(IServiceHandler[] children, int[] weights) : ICandidateSet
{
    public bool IsUsable(int index) => weights[index] > 0 && children[index].IsAvailable;
}
