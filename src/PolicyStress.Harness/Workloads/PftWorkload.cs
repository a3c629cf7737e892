using PolicyStress.Engine;
using PolicyStress.Engine.Policies;
using PolicyStress.Harness.Running;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// pft -S -p: one SysV segment with one interleave policy over all of it; every mm attaches it once and
/// every task faults its own slice, so the policy and its reference count are shared by all tasks.
/// With <see cref="PolicyKind.None"/> no mbind is made: the tree stays empty.
/// </summary>
public class PftWorkload : Workload
{
    /// <summary>The segment's id and its owner's attach address (the installer-side view).</summary>
    protected int SegmentId { get; private set; }
    protected ulong OwnerView { get; private set; }
    protected ulong SegmentPages { get; private set; }

    public override void Setup(Kernel kernel, RunConfig config, int[] cpus)
    {
        var owner = kernel.CreateProcess(cpus[0]);
        Idle.Add(owner);
        SegmentPages = (ulong)(cpus.Length * config.PagesPerTask);
        SegmentId = CreateSegment(kernel, owner, SegmentPages);
        OwnerView = Attach(kernel, owner, SegmentId);
        if (config.Policy == PolicyKind.Interleave)
        {
            Mbind(kernel, owner, OwnerView, SegmentPages * Page, MempolicyMode.Interleave, AllNodes(kernel));
            InstallPolicies(kernel, owner);
        }

        var tasks = Faulters(kernel, cpus, config.ThreadsPerMm, out var leader);
        ulong view = 0;
        for (int i = 0; i < tasks.Length; i++)
        {
            if (leader[i]) view = Attach(kernel, tasks[i], SegmentId);
            Targets.Add(new FaultTarget(tasks[i], cpus[i], view + (ulong)(i * config.PagesPerTask) * Page, config.PagesPerTask));
        }
    }

    /// <summary>Hook for sub-range policies on top of the whole-segment one (storm).</summary>
    protected virtual void InstallPolicies(Kernel kernel, Engine.AddressSpaces.TaskStruct owner) { }
}
