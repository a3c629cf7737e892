using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// How much faults/s moved between reps of one configuration: the coefficient of variation (sample
/// standard deviation over mean) of every configuration with two reps or more, and the band a difference
/// must leave to be more than noise — twice the largest CV seen.
/// </summary>
internal sealed record RunSpread(IReadOnlyList<(RunConfig Config, int Reps, double Mean, double Cv)> Configs)
{
    public static RunSpread Of(IReadOnlyList<SweepPoint> points) => new(
        [.. points.GroupBy(p => p.Config with { Rep = 1 })
            .Where(g => g.Count() >= 2)
            .Select(g =>
            {
                var v = g.Select(p => p.Outcome.FaultsPerSec).ToList();
                double mean = v.Average();
                double sd = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1));
                return (g.Key, v.Count, mean, mean > 0 ? sd / mean : 0);
            })]);

    /// <summary>Relative difference inside which two rates are not told apart; NaN when nothing was repeated.</summary>
    public double Band => Configs.Count == 0 ? double.NaN : 2 * Configs.Max(c => c.Cv);

    /// <summary>True when the ratio <paramref name="ratio"/> is closer to 1 than <see cref="Band"/>.</summary>
    public bool Inside(double ratio) => !double.IsNaN(Band) && Math.Abs(ratio - 1) < Band;
}
