using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// The default suite, as named sections, each a list of points over the template: pft, wis and churn ×
/// every 2007/mainline scheme × rwlock and snapshot × task counts stepped by the CPUs the placement allows (1,
/// powers of two, all of them); the scalable schemes on pft and churn at the most tasks; the lock kinds (the
/// rwls tree on pft; the thread model at each mmap lock kind); then more reps of the headline points, for the run-to-run spread. A point that
/// two sections both ask for runs once. Point lengths are chosen so that a 2-CPU machine finishes in
/// under 5 minutes, and under 60 s with <c>--quick</c>.
/// </summary>
public static class SuitePlan
{
    public static readonly WorkloadKind[] Workloads = [WorkloadKind.Pft, WorkloadKind.Wis, WorkloadKind.Churn];
    public static readonly SpLockKind[] Locks = [SpLockKind.RwLock, SpLockKind.Snapshot];

    /// <summary>The schemes whose spread the suite measures: the reference, the best safe one, the unsafe ceiling.</summary>
    public static readonly RefScheme[] SpreadSchemes = [RefScheme.Lookup, RefScheme.VmaHeldEpoch, RefScheme.None];

    /// <summary>Reps of the spread points: the fewest that give a standard deviation worth quoting.</summary>
    public const int SpreadReps = 3;

    /// <summary>A section of the suite: its points over the template, given the task counts to step through.</summary>
    private delegate List<RunConfig> Section(RunConfig template, int[] tasks, int reps);

    private static readonly Section[] Sections = [Schemes, Scalable, LockKinds, Backends, Spread];


    /// <summary>
    /// Ten measured intervals per point, so that every row carries ten samples: compare needs five a side,
    /// and ten narrow the ratio's CI enough to call two runs of one binary the same. Full: 0.5 s warm-up +
    /// 10 × 0.2 s. Quick: 0.1 s + 10 × 40 ms.
    /// </summary>
    public static RunConfig Template(bool quick) => quick
        ? new RunConfig { Warmup = TimeSpan.FromMilliseconds(100), Duration = TimeSpan.FromMilliseconds(400), Interval = TimeSpan.FromMilliseconds(40) }
        : new RunConfig { Warmup = TimeSpan.FromMilliseconds(500), Duration = TimeSpan.FromSeconds(2), Interval = TimeSpan.FromMilliseconds(200) };

    public static List<RunConfig> Create(RunTopology topology, bool quick, int reps = 1, RunConfig? template = null)
    {
        var t = template ?? Template(quick);
        int[] tasks = [.. PlacementPlanner.TaskSteps(PlacementPlanner.CpuCount(topology, t.Placement))];
        var seen = new HashSet<RunConfig>();
        return [.. Sections.SelectMany(s => s(t, tasks, reps)).Where(seen.Add)];
    }

    /// <summary>The reference-count schemes against each other: every scheme of 2007 and mainline (and the
    /// ceiling), both tree locks, every workload, every task count.</summary>
    private static List<RunConfig> Schemes(RunConfig t, int[] tasks, int reps) => new SweepGrid(t)
        .Over(Workloads, (c, w) => c with { Workload = w })
        .Over(Locks, (c, l) => c with { SpLock = l })
        .Over(tasks, (c, n) => c with { Tasks = n })
        .Over(SchemeRegistry.All.Where(s => !s.Scalable).Select(s => s.Kind), (c, s) => c with { Scheme = s })
        .Expand(reps);

    /// <summary>
    /// The scalable schemes (<see cref="SchemeDefinition.Scalable"/>), kept small so that the suite stays within
    /// its time, at the most tasks only: churn on both tree locks (the read side beside a writer, and the reclaim
    /// figures of the report's reclaim table), and pft on the lock-free snapshot tree, where their read sides
    /// differ most (CAS loop, unconditional add, per-CPU slot, hazard, delta cache). 15 points with five
    /// schemes: about 40 s of the full suite and 8 s of --quick.
    /// </summary>
    private static List<RunConfig> Scalable(RunConfig t, int[] tasks, int reps)
    {
        var schemes = SchemeRegistry.All.Where(s => s.Scalable).Select(s => s.Kind).ToList();
        var churn = new SweepGrid(t with { Tasks = tasks[^1], Workload = WorkloadKind.Churn })
            .Over(Locks, (c, l) => c with { SpLock = l })
            .Over(schemes, (c, s) => c with { Scheme = s })
            .Expand(reps);
        var pft = new SweepGrid(t with { Tasks = tasks[^1], Workload = WorkloadKind.Pft, SpLock = SpLockKind.Snapshot })
            .Over(schemes, (c, s) => c with { Scheme = s })
            .Expand(reps);
        return [.. churn, .. pft];
    }

    /// <summary>The engine tree lock of the backend section: the kernel's own sp-&gt;lock kind (qrwlock since 4.5).</summary>
    public const SpLockKind BackendLock = SpLockKind.RwLock;

    /// <summary>The workloads of the backend section: the shared segment and the control.</summary>
    public static readonly WorkloadKind[] BackendWorkloads = [WorkloadKind.Pft, WorkloadKind.Wis];

    /// <summary>The schemes the backend section runs at both fault costs: the reference, the best safe one, the ceiling.</summary>
    public static readonly RefScheme[] BackendSchemes = [RefScheme.Lookup, RefScheme.None];

    /// <summary>
    /// The answer in the kernel's terms: pft and wis on the running kernel with an interleave policy and with
    /// none, beside the engine at both fault costs (isolated and kernel-shaped) for <see cref="BackendSchemes"/>
    /// and with no policy, every task count, all in the process model on <see cref="BackendLock"/>, and all on
    /// the kernel backend's barrier schedule (pages freed between passes, outside the window), so that like is
    /// compared with like. 8 kernel and 24 engine points: about 80 s of the full suite on 2 CPUs.
    /// </summary>
    private static List<RunConfig> Backends(RunConfig t, int[] tasks, int reps)
    {
        var kernel = new SweepGrid(t with { Backend = RunBackend.Kernel })
            .Over(BackendWorkloads, (c, w) => c with { Workload = w })
            .Over(tasks, (c, n) => c with { Tasks = n })
            .Over([PolicyKind.Interleave, PolicyKind.None], (c, p) => c with { Policy = p })
            .Expand(reps);
        var engine = new SweepGrid(t with { SpLock = BackendLock, Schedule = ScheduleKind.Barrier })
            .Over(BackendWorkloads, (c, w) => c with { Workload = w })
            .Over(tasks, (c, n) => c with { Tasks = n })
            .Over([Engine.FaultCostKind.Isolated, Engine.FaultCostKind.Kernel], (c, f) => c with { FaultCost = f })
            .Over([.. BackendSchemes.Select(s => (s, PolicyKind.Interleave)), (RefScheme.Lookup, PolicyKind.None)],
                (c, sp) => c with { Scheme = sp.Item1, Policy = sp.Item2 })
            .Expand(reps);
        return [.. kernel, .. engine];
    }

    /// <summary>The mmap lock kinds the thread-model points run at.</summary>
    public static readonly MmapLockKind[] MmapLocks = [MmapLockKind.Rwls, MmapLockKind.Rwsem, MmapLockKind.PerVma];

    /// <summary>
    /// The lock kinds (issue 9), at the most tasks only: pft on the ReaderWriterLockSlim tree (rwls) beside
    /// the Schemes section's rwlock (qrwlock) and snapshot points, for lookup and none; and the thread model
    /// (2 tasks per mm) of pft and wis for none at each mmap lock kind. 8 points: about 20 s of the full
    /// suite and 4 s of --quick. The thread model needs 2 tasks; a 1-CPU run skips it.
    /// </summary>
    private static List<RunConfig> LockKinds(RunConfig t, int[] tasks, int reps)
    {
        var points = new SweepGrid(t with { Workload = WorkloadKind.Pft, SpLock = SpLockKind.Rwls, Tasks = tasks[^1] })
            .Over([RefScheme.Lookup, RefScheme.None], (c, s) => c with { Scheme = s })
            .Expand(reps);
        if (tasks[^1] >= 2)
            points.AddRange(new SweepGrid(t with { Scheme = RefScheme.None, Tasks = tasks[^1], ThreadsPerMm = 2 })
                .Over([WorkloadKind.Pft, WorkloadKind.Wis], (c, w) => c with { Workload = w })
                .Over(MmapLocks, (c, l) => c with { MmapLock = l })
                .Expand(reps));
        return points;
    }

    /// <summary>
    /// pft on the snapshot tree at the largest task count, <see cref="SpreadReps"/> reps of each
    /// <see cref="SpreadSchemes"/>: rep 1 is the Schemes section's point, the others run at the end of the
    /// suite, so the spread includes whatever drifted meanwhile.
    /// </summary>
    private static List<RunConfig> Spread(RunConfig t, int[] tasks, int reps) => new SweepGrid(t with
        {
            Workload = WorkloadKind.Pft, SpLock = SpLockKind.Snapshot, Tasks = tasks[^1],
        })
        .Over(SpreadSchemes, (c, s) => c with { Scheme = s })
        .Expand(Math.Max(SpreadReps, reps));
}
