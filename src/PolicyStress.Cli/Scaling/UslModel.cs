namespace PolicyStress.Cli.Scaling;

/// <summary>
/// Gunther's Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1)): λ the one-task rate, σ the
/// contention (the serialised fraction: Amdahl), κ the coherency cost (every pair of tasks exchanging a
/// line: the term that makes throughput fall past a peak).
/// </summary>
/// <param name="Lambda">λ, the throughput of one task.</param>
/// <param name="Sigma">σ, contention: the serialised fraction.</param>
/// <param name="Kappa">κ, coherency: the cost of each pair of tasks exchanging a line.</param>
/// <param name="Residual">root mean square of the fit's relative errors over the measured points.</param>
internal sealed record UslModel(double Lambda, double Sigma, double Kappa, double Residual)
{
    public double Throughput(double n) => Lambda * n / (1 + Sigma * (n - 1) + Kappa * n * (n - 1));

    /// <summary>The task count of highest throughput, √((1−σ)/κ); null when κ is 0 (no peak: Amdahl's plateau).</summary>
    public double? PeakTasks => Kappa > 0 ? Math.Sqrt(Math.Max(0, 1 - Sigma) / Kappa) : null;
}
