using PolicyStress.Engine;
using PolicyStress.Engine.Policies;
using PolicyStress.Harness.Running;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// will-it-scale page_fault3 layout: every task creates, attaches and faults its own segment with its own
/// interleave policy. Nothing is shared but, in the thread model, the mm: the control that must scale.
/// </summary>
public sealed class WisWorkload : Workload
{
    public override void Setup(Kernel kernel, RunConfig config, int[] cpus)
    {
        var tasks = Faulters(kernel, cpus, config.ThreadsPerMm, out _);
        ulong pages = (ulong)config.PagesPerTask;
        for (int i = 0; i < tasks.Length; i++)
        {
            int id = CreateSegment(kernel, tasks[i], pages);
            ulong view = Attach(kernel, tasks[i], id);
            if (config.Policy == PolicyKind.Interleave)
                Mbind(kernel, tasks[i], view, pages * Page, MempolicyMode.Interleave, AllNodes(kernel));
            Targets.Add(new FaultTarget(tasks[i], cpus[i], view, config.PagesPerTask));
        }
    }
}
