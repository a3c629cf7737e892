using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Running;

/// <summary>One configuration of the stress run: what to fault, under which scheme and lock, on how many tasks.</summary>
public sealed record RunConfig
{
    /// <summary>What runs the workload: the engine (the model) or the running kernel (real faults on SysV segments).</summary>
    public RunBackend Backend { get; init; } = RunBackend.Engine;
    public WorkloadKind Workload { get; init; } = WorkloadKind.Pft;
    public RefScheme Scheme { get; init; } = RefScheme.Lookup;
    public SpLockKind SpLock { get; init; } = SpLockKind.RwLock;
    /// <summary>The lock faults take to find their vma: the mm's (RWLS, rw_semaphore) or the vma's own (per-VMA).</summary>
    public MmapLockKind MmapLock { get; init; } = MmapLockKind.Rwls;
    /// <summary>2007 bugs switched on (lookup-2007 only).</summary>
    public Bugs2007 Bugs { get; init; } = Bugs2007.None;
    /// <summary>What the setup installs on the faulted segments: interleave, or no mbind at all (the empty-tree fast path).</summary>
    public PolicyKind Policy { get; init; } = PolicyKind.Interleave;
    /// <summary>What an allocating fault spends besides the policy path: the model alone, or the kernel's other work too.</summary>
    public Engine.FaultCostKind FaultCost { get; init; } = Engine.FaultCostKind.Isolated;
    /// <summary>How the kernel-shaped costs' private work is calibrated (<see cref="FaultCost"/> kernel only).</summary>
    public PrivateWorkSetting PrivateWork { get; init; } = PrivateWorkSetting.Auto;
    /// <summary>Engine pass schedule: free inline after each task's own pass (the default), or between barriers outside the window, as the kernel backend does.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Inline;
    /// <summary>Faulting tasks (storm multiplies it by <see cref="StormFactor"/>).</summary>
    public int Tasks { get; init; } = 1;
    /// <summary>Tasks per mm: 1 is the process model (one mm per task), K &gt; 1 the thread model.</summary>
    public int ThreadsPerMm { get; init; } = 1;
    public Placement Placement { get; init; } = Placement.Spread;
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Length of one measured interval (1 s like will-it-scale; shorter in quick runs).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Installer mbind calls per second in churn.</summary>
    public int MbindRate { get; init; } = 2000;
    /// <summary>Pages each task faults per pass before they are released.</summary>
    public int PagesPerTask { get; init; } = 256;
    /// <summary>Tasks per planned CPU in the storm workload.</summary>
    public int StormFactor { get; init; } = 8;
    /// <summary>One fault in this many is timed (a power of two).</summary>
    public int SampleEvery { get; init; } = 64;
    /// <summary>Repetition number, 1-based.</summary>
    public int Rep { get; init; } = 1;

    /// <summary>The number of faulting tasks the run starts.</summary>
    public int FaultingTasks => Workload == WorkloadKind.Storm ? Tasks * StormFactor : Tasks;

    /// <summary>Measured intervals: the duration cut into <see cref="Interval"/>s (at least one).</summary>
    public int Intervals => Math.Max(1, (int)Math.Round(Duration.TotalMilliseconds / Interval.TotalMilliseconds));
}
