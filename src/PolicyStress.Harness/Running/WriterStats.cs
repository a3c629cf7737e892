namespace PolicyStress.Harness.Running;

/// <summary>One writer kind's operations in the measured window and their latency (ns).</summary>
public readonly record struct WriterStats(long Ops, long Failures, double OpsPerSec, double P50Ns, double P99Ns, double MaxNs);
