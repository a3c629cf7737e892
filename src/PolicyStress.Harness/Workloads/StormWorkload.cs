using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// pft with many more tasks than CPUs and a tree of <see cref="Ranges"/> sub-range policies (interleave,
/// preferred, bind in turn): lookups search a deep tree while tasks are preempted inside the fault path.
/// </summary>
public sealed class StormWorkload : PftWorkload
{
    public const int Ranges = 64;

    protected override void InstallPolicies(Kernel kernel, TaskStruct owner)
    {
        ulong per = Math.Max(1, SegmentPages / Ranges);
        for (ulong r = 0; r * per < SegmentPages; r++)
        {
            var mode = (r % 3) switch { 0 => MempolicyMode.Interleave, 1 => MempolicyMode.Preferred, _ => MempolicyMode.Bind };
            var mask = mode == MempolicyMode.Interleave ? AllNodes(kernel) : OneNode(kernel, (int)r);
            Mbind(kernel, owner, OwnerView + r * per * Page, Math.Min(per, SegmentPages - r * per) * Page, mode, mask);
        }
    }
}
