using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// The default suite, as named sections, each a grid of points over the template: today one, pft, wis
/// and churn × every scheme × rwlock and snapshot × task counts stepped by the topology (1, powers of
/// two, every allowed CPU). A point that two sections both ask for runs once. Point lengths are chosen so
/// that a 2-CPU machine finishes in under 5 minutes, and under 60 s with <c>--quick</c>.
/// </summary>
public static class SuitePlan
{
    public static readonly WorkloadKind[] Workloads = [WorkloadKind.Pft, WorkloadKind.Wis, WorkloadKind.Churn];
    public static readonly SpLockKind[] Locks = [SpLockKind.RwLock, SpLockKind.Snapshot];

    /// <summary>A section of the suite: its points over the template, given the task counts to step through.</summary>
    private delegate SweepGrid Section(RunConfig template, int[] tasks);

    private static readonly Section[] Sections = [Schemes];

    /// <summary>
    /// Full: 0.5 s warm-up + 10 × 0.2 s intervals. Quick: 0.1 s + 10 × 40 ms. Ten intervals a point give
    /// compare a sample at one rep (it needs five) whose ratio CI is narrow enough to call two runs the same.
    /// </summary>
    public static RunConfig Template(bool quick) => quick
        ? new RunConfig { Warmup = TimeSpan.FromMilliseconds(100), Duration = TimeSpan.FromMilliseconds(400), Interval = TimeSpan.FromMilliseconds(40) }
        : new RunConfig { Warmup = TimeSpan.FromMilliseconds(500), Duration = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromMilliseconds(200) };

    public static List<RunConfig> Create(RunTopology topology, bool quick, int reps = 1, RunConfig? template = null)
    {
        var t = template ?? Template(quick);
        int[] tasks = [.. PlacementPlanner.TaskSteps(topology.AllowedCpus.Count)];
        var seen = new HashSet<RunConfig>();
        return [.. Sections.SelectMany(s => s(t, tasks).Expand(reps)).Where(seen.Add)];
    }

    /// <summary>The reference-count schemes against each other: every scheme, both tree locks, every workload.</summary>
    private static SweepGrid Schemes(RunConfig t, int[] tasks) => new SweepGrid(t)
        .Over(Workloads, (c, w) => c with { Workload = w })
        .Over(Locks, (c, l) => c with { SpLock = l })
        .Over(tasks, (c, n) => c with { Tasks = n })
        .Over(Enum.GetValues<RefScheme>(), (c, s) => c with { Scheme = s });
}
