namespace PolicyStress.Cli.Scaling;

/// <summary>One configuration at one task count, its reps averaged: a point of a <see cref="Curve"/>.</summary>
/// <param name="RepMin">smallest rep's faults/s (equal to the mean with one rep).</param>
/// <param name="CpuNsPerFault">faulting-thread CPU time per fault (1e9 / faults_per_cpu_s).</param>
/// <param name="TaskMin">slowest task's faults/s (mean over reps); <paramref name="TaskMax"/> the fastest's.</param>
internal sealed record CurvePoint(
    int Tasks, double FaultsPerSec, double RepMin, double RepMax, double CpuNsPerFault,
    double P50Ns, double P99Ns, double P999Ns, double MaxNs, double TaskMin, double TaskMax, double TaskCv, int Reps);
