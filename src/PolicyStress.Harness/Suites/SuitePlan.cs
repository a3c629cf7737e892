using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// The default suite: pft, wis and churn × every scheme × rwlock and snapshot × task counts stepped by the
/// topology (1, powers of two, every allowed CPU). Point lengths are chosen so that a 2-CPU machine
/// (72 points) finishes in under 5 minutes, and under 60 s with <c>--quick</c>.
/// </summary>
public static class SuitePlan
{
    public static readonly WorkloadKind[] Workloads = [WorkloadKind.Pft, WorkloadKind.Wis, WorkloadKind.Churn];
    public static readonly SpLockKind[] Locks = [SpLockKind.RwLock, SpLockKind.Snapshot];

    /// <summary>Full: 0.5 s warm-up + 2 × 1 s intervals. Quick: 0.1 s + 2 × 0.2 s.</summary>
    public static RunConfig Template(bool quick) => quick
        ? new RunConfig { Warmup = TimeSpan.FromMilliseconds(100), Duration = TimeSpan.FromMilliseconds(400), Interval = TimeSpan.FromMilliseconds(200) }
        : new RunConfig { Warmup = TimeSpan.FromMilliseconds(500), Duration = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromSeconds(1) };

    public static List<RunConfig> Create(RunTopology topology, bool quick, int reps = 1, RunConfig? template = null) =>
        new SweepGrid(template ?? Template(quick))
            .Over(Workloads, (c, w) => c with { Workload = w })
            .Over(Locks, (c, l) => c with { SpLock = l })
            .Over(PlacementPlanner.TaskSteps(topology.AllowedCpus.Count), (c, n) => c with { Tasks = n })
            .Over(Enum.GetValues<RefScheme>(), (c, s) => c with { Scheme = s })
            .Expand(reps);
}
