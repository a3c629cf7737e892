using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Running;

/// <summary>The measurements of one finished run (one configuration, one repetition).</summary>
public sealed record RunOutcome
{
    public required int[] PlannedCpus { get; init; }
    public required int[] ObservedCpus { get; init; }
    public int CpuMismatches => PlannedCpus.Where((c, i) => ObservedCpus[i] != c).Count();
    public required double MeasuredSeconds { get; init; }
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
    public required IReadOnlyDictionary<WriterKind, WriterStats> Writers { get; init; }
    public required AuditTotals Audit { get; init; }
    public required bool ClaimsSafety { get; init; }

    /// <summary>A scheme that claims safety showed a finding: the run failed.</summary>
    public bool AuditFailed => ClaimsSafety && Audit.Findings > 0;
}
