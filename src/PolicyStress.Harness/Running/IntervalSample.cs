namespace PolicyStress.Harness.Running;

/// <summary>
/// What a worker publishes at each interval boundary: its cumulative counters and the time it read them.
/// Index 0 is the baseline at the end of warm-up; <see cref="Done"/> marks the worker's last message.
/// </summary>
public readonly record struct IntervalSample(int Task, int Index, long Faults, long CpuNs, long RefAtomics, long Timestamp, bool Done);
