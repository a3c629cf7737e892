using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Running;

/// <summary>The measurements of one finished run (one configuration, one repetition).</summary>
public sealed record RunOutcome
{
    public required int[] PlannedCpus { get; init; }
    public required int[] ObservedCpus { get; init; }
    public int CpuMismatches => PlannedCpus.Where((c, i) => ObservedCpus[i] != c).Count();
    /// <summary>More faulting tasks than CPUs in the plan: CPUs were shared, so the rates measure the scheduler too.</summary>
    public bool Oversubscribed => PlannedCpus.Distinct().Count() < PlannedCpus.Length;
    public required double MeasuredSeconds { get; init; }
    /// <summary>The least measured wall time of any task: a task that barely ran has a rate that means nothing.</summary>
    public required double ShortestTaskSeconds { get; init; }
    public required long Faults { get; init; }
    public required long FaultErrors { get; init; }
    public required double FaultsPerSec { get; init; }
    public required double FaultsPerCpuSec { get; init; }
    public required double TaskMinFaultsPerSec { get; init; }
    public required double TaskMaxFaultsPerSec { get; init; }
    /// <summary>Sample standard deviation of the tasks' faults per second over their mean (0 with one task).</summary>
    public required double TaskCv { get; init; }
    /// <summary>Each measured interval's faults per second, summed over tasks like <see cref="FaultsPerSec"/>.</summary>
    public required double[] IntervalFaultsPerSec { get; init; }
    public required long LatencySamples { get; init; }
    public required double LatP50Ns { get; init; }
    public required double LatP99Ns { get; init; }
    public required double LatP999Ns { get; init; }
    public required double LatMaxNs { get; init; }
    public required double RefAtomicsPerFault { get; init; }
    /// <summary>Page allocations and minor faults of the whole run (warm-up included): every fault should allocate.</summary>
    public required long Allocations { get; init; }
    public required long MinorFaults { get; init; }
    /// <summary>Faults that found no vma they could read-lock and took the mmap lock (per-VMA locks; whole run).</summary>
    public long VmaLockFallbacks { get; init; }
    public required IReadOnlyDictionary<WriterKind, WriterStats> Writers { get; init; }
    public required AuditTotals Audit { get; init; }
    public required bool ClaimsSafety { get; init; }
    /// <summary>The kernel-shaped costs' calibration the run used; null for the isolated model.</summary>
    public FaultCalibration? Calibration { get; init; }
    /// <summary>Engine barrier schedule: mean seconds per task spent freeing after measured passes, outside the window; null inline.</summary>
    public double? EngineFreeSeconds { get; init; }

    /// <summary>What only a kernel run measures; null for an engine run.</summary>
    public KernelFacts? Kernel { get; init; }

    /// <summary>The kernel run's numa_maps placement check disagreed with its policy: the point failed.</summary>
    public bool PlacementFailed => Kernel is { } k && k.NumaMapsCheck.StartsWith("failed", StringComparison.Ordinal);

    /// <summary>Mean nanoseconds per fault inside the timed window: 1e9 × tasks / <see cref="FaultsPerSec"/>.</summary>
    public double FaultNs => FaultsPerSec > 0 ? 1e9 * PlannedCpus.Length / FaultsPerSec : double.NaN;

    /// <summary>A scheme that claims safety showed a finding: the run failed.</summary>
    public bool AuditFailed => ClaimsSafety && Audit.Findings > 0;

    /// <summary>
    /// Why the run's rates are not a measurement, or null when they are: some task measured less than one
    /// interval (half the duration for a single-interval run, which a task's start and stop jitter cut
    /// short by microseconds) — it was starved of CPU, and its faults over its sliver of time would be
    /// summed as if it had run the whole window.
    /// </summary>
    public string? NotMeasured(RunConfig config)
    {
        bool single = config.Intervals == 1;
        double least = config.Duration.TotalSeconds / (single ? 2 : config.Intervals);
        if (ShortestTaskSeconds >= least) return null;
        string why = Oversubscribed ? $"{PlannedCpus.Length} tasks shared {PlannedCpus.Distinct().Count()} CPU(s)" : "it was starved of CPU";
        return FormattableString.Invariant(
            $"a task ran {ShortestTaskSeconds:0.000} s of the window, less than {(single ? "half the duration" : "one interval")} ({least:0.000} s); {why}");
    }
}

/// <summary>The facts of a kernel-backend run that the engine has no counterpart for.</summary>
/// <param name="FreeSeconds">Mean seconds per task spent freeing pages (MADV_REMOVE) after measured passes, outside the window.</param>
/// <param name="KernelFaults">The kernel's count of the tasks' minor faults inside the timed window (getrusage RUSAGE_THREAD).</param>
/// <param name="CheckPages">Pages the closing check pass wrote (every task's slice once).</param>
/// <param name="CheckKernelFaults">The kernel's count of the faults of that pass: equal to <paramref name="CheckPages"/> when every write faulted once.</param>
/// <param name="NumaMapsCheck">ok, or failed:&lt;reason&gt; (the placement disagreed with the policy).</param>
/// <param name="Nodes">The nodes the policy named.</param>
public sealed record KernelFacts(double FreeSeconds, long KernelFaults, long CheckPages, long CheckKernelFaults, string NumaMapsCheck, IReadOnlyList<int> Nodes);
