using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// Refuses points with more faulting tasks than the CPUs their placement allows, before any work: tasks
/// that share a CPU take turns, so the rates measure the scheduler and a starved task's sliver of time
/// makes the sum meaningless. <c>storm</c> shares CPUs by design (its --storm-factor tasks per CPU);
/// anything else needs <c>--oversubscribe</c>, and its rows then say <c>oversubscribed=true</c>.
/// </summary>
internal static class CpuBudget
{
    public static void Check(IEnumerable<RunConfig> configs, RunTopology topology, bool oversubscribe)
    {
        if (oversubscribe) return;
        foreach (var c in configs)
        {
            if (c.Workload == WorkloadKind.Storm) continue;
            int cpus = PlacementPlanner.CpuCount(topology, c.Placement);
            if (c.FaultingTasks > cpus)
                throw new UsageException(
                    $"--tasks: {c.FaultingTasks} faulting tasks but {cpus} allowed CPU(s) for placement {c.Placement} " +
                    $"({WorkloadNames.Name(c.Workload)}); accepted: at most {cpus}, or --oversubscribe to share CPUs (storm always does)");
        }
    }
}
