namespace PolicyStress.Cli.Scaling;

/// <summary>
/// Least-squares fit of <see cref="UslModel"/> to measured (tasks, throughput) points, on relative errors so
/// that the many-task points do not outweigh the few-task ones. For fixed σ and κ the best λ has a closed
/// form; σ and κ (both in [0, 1]) are found by a coarse logarithmic grid and then a pattern search that
/// halves its step down to 1e-12. Deterministic: the same points give the same fit.
/// </summary>
internal static class UslFit
{
    /// <summary>Three parameters need a fourth point before a residual means anything.</summary>
    public const int MinPoints = 4;

    public static UslModel Fit(IReadOnlyList<(double Tasks, double Throughput)> points)
    {
        if (points.Select(p => p.Tasks).Distinct().Count() < MinPoints)
            throw new ArgumentException($"a USL fit needs {MinPoints} task counts or more", nameof(points));
        if (points.Any(p => !(p.Throughput > 0) || !(p.Tasks >= 1)))
            throw new ArgumentException("a USL fit needs positive throughputs at task counts ≥ 1", nameof(points));
        double[] grid = [0, .. Enumerable.Range(0, 25).Select(i => Math.Pow(10, -6 + i * 0.25))];   // 1e-6 .. 1
        double bestS = 0, bestK = 0, best = double.MaxValue;
        foreach (double s in grid)
            foreach (double k in grid)
                if (Cost(points, s, k) is var c && c < best) (bestS, bestK, best) = (s, k, c);
        // Hooke-Jeeves pattern search from the best grid point, inside [0, 1]².
        for (double step = 0.05; step > 1e-12;)
        {
            bool moved = false;
            foreach (var (ds, dk) in (ReadOnlySpan<(double, double)>)[(step, 0), (-step, 0), (0, step), (0, -step)])
            {
                double s = Math.Clamp(bestS + ds, 0, 1), k = Math.Clamp(bestK + dk, 0, 1);
                if (Cost(points, s, k) is var c && c < best)
                {
                    (bestS, bestK, best) = (s, k, c);
                    moved = true;
                }
            }
            if (!moved) step /= 2;
        }
        return new UslModel(Lambda(points, bestS, bestK), bestS, bestK, Math.Sqrt(best / points.Count));
    }

    private static double Shape(double n, double s, double k) => n / (1 + s * (n - 1) + k * n * (n - 1));

    /// <summary>λ minimising Σ(λ·g/X − 1)²: Σ(g/X) / Σ(g/X)².</summary>
    private static double Lambda(IReadOnlyList<(double Tasks, double Throughput)> points, double s, double k)
    {
        double num = 0, den = 0;
        foreach (var (n, x) in points)
        {
            double r = Shape(n, s, k) / x;
            num += r;
            den += r * r;
        }
        return num / den;
    }

    private static double Cost(IReadOnlyList<(double Tasks, double Throughput)> points, double s, double k)
    {
        double lambda = Lambda(points, s, k), sum = 0;
        foreach (var (n, x) in points)
        {
            double e = lambda * Shape(n, s, k) / x - 1;
            sum += e * e;
        }
        return sum;
    }
}
