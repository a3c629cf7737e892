namespace PolicyStress.Cli.Scaling;

/// <summary>One configuration at one task count, its reps averaged: a point of a <see cref="Curve"/>.</summary>
/// <param name="Tasks">the task count.</param>
/// <param name="FaultsPerSec">faults/s of all tasks, mean over the reps.</param>
/// <param name="RepMin">smallest rep's faults/s (equal to the mean with one rep).</param>
/// <param name="RepMax">largest rep's faults/s.</param>
/// <param name="CpuNsPerFault">faulting-thread CPU time per fault (1e9 / faults_per_cpu_s).</param>
/// <param name="P50Ns">median fault latency, ns.</param>
/// <param name="P99Ns">99th percentile, ns.</param>
/// <param name="P999Ns">99.9th percentile, ns.</param>
/// <param name="MaxNs">largest timed fault, ns.</param>
/// <param name="TaskMin">slowest task's faults/s (mean over reps).</param>
/// <param name="TaskMax">fastest task's faults/s (mean over reps).</param>
/// <param name="TaskCv">the tasks' coefficient of variation (task_cv, mean over reps).</param>
/// <param name="Reps">rows averaged.</param>
internal sealed record CurvePoint(
    int Tasks, double FaultsPerSec, double RepMin, double RepMax, double CpuNsPerFault,
    double P50Ns, double P99Ns, double P999Ns, double MaxNs, double TaskMin, double TaskMax, double TaskCv, int Reps);
