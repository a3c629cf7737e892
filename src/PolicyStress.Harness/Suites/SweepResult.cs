using PolicyStress.Harness.KernelBackend;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Suites;

/// <summary>What a sweep finished: the measured points, and the points that ran but could not be measured.</summary>
public sealed class SweepResult
{
    public List<SweepPoint> Points { get; } = [];
    public List<(RunConfig Config, string Reason)> Failed { get; } = [];

    /// <summary>Why each of <see cref="Failed"/> failed, in the same order.</summary>
    public List<PointFailure> FailureKinds { get; } = [];

    /// <summary>The kernel refused a call of the kernel backend and the sweep stopped; null when it did not.</summary>
    public KernelRefusedException? Refused { get; set; }

    /// <summary>The result file failed and the sweep stopped; null when every row was written.</summary>
    public ResultFileException? WriteError { get; set; }

    /// <summary>Points that ran to the end, measured or not.</summary>
    public int Finished => Points.Count + Failed.Count;
}

/// <summary>Why a point that ran has no row.</summary>
public enum PointFailure
{
    /// <summary>A task did not get the CPU long enough to measure (<see cref="RunOutcome.NotMeasured"/>).</summary>
    NotMeasured,
    /// <summary>A kernel point's numa_maps placement disagreed with its policy.</summary>
    Placement,
    /// <summary>A kernel point's child process died or a task hung.</summary>
    Task,
}
