using System.Globalization;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.Multimodality;
using Perfolizer.Mathematics.QuantileEstimators;
using Perfolizer.Mathematics.SignificanceTesting;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;

namespace PolicyStress.Cli.Compare;

/// <summary>
/// The decision for one configuration, from two samples of the metric: Perfolizer's Mann-Whitney equivalence
/// test against the threshold (two one-sided tests at α = 0.05), a noise floor, and the ratio of the
/// Harrell-Davis medians with a 95% confidence interval. Pure: numbers in, a verdict out.
/// </summary>
/// <remarks>
/// Below <see cref="MinSamples"/> values a side nothing is decided: with 3 against 3 the smallest one-sided
/// Mann-Whitney p-value is 1/C(6,3) = 0.05, so no difference could ever be significant; with 5 against 5
/// it is 1/252. "Same" needs more than the absence of a significant change: the ratio's CI must lie within
/// the threshold, otherwise the samples are too noisy to tell and the verdict is undecided.
/// </remarks>
internal static class SampleTest
{
    public const int MinSamples = 5;
    /// <summary>ResultsComparer's rule: modality is only read from 12 values or more.</summary>
    public const int MinModalitySamples = 12;
    private static readonly SignificanceLevel Alpha = SignificanceLevel.P05;
    private static readonly SimpleEquivalenceTest Test = new(MannWhitneyTest.Instance);

    public static (Effect Effect, Verdict Verdict, string Note) Decide(double[] b, double[] n, CompareSettings s)
    {
        var effect = RatioWithCi(b, n);
        string note = Join(Modality("base", b), Modality("new", n));
        if (b.Length < MinSamples || n.Length < MinSamples)
            return (effect, Verdict.Undecided, Join($"needs ≥ {MinSamples} samples (base {b.Length}, new {n.Length})", note));
        double mb = Median(b), mn = Median(n);
        var result = Test.Perform(new Sample(n), new Sample(b), Threshold.Parse(Percent(s.Threshold)), Alpha);
        if (result is ComparisonResult.Greater or ComparisonResult.Lesser)
        {
            if (BelowNoise(mb, mn, s)) return (effect, Verdict.Same, Join($"below the {Ns(s.NoiseNs)} noise floor", note));
            bool higher = result == ComparisonResult.Greater;
            return (effect, higher != s.LowerIsBetter ? Verdict.Faster : Verdict.Slower, note);
        }
        if (effect.Lower >= 1 / (1 + s.Threshold) && effect.Upper <= 1 + s.Threshold) return (effect, Verdict.Same, note);
        return (effect, Verdict.Undecided, Join($"95% CI wider than ±{Percent(s.Threshold)}: more samples needed", note));
    }

    /// <summary>
    /// new/base of the Harrell-Davis medians; the 95% interval combines the two medians' standard errors on the
    /// log scale (the delta method) with Student's t at the smaller side's degrees of freedom.
    /// </summary>
    public static Effect RatioWithCi(double[] b, double[] n)
    {
        var (mb, seb) = HdMedian(b);
        var (mn, sen) = HdMedian(n);
        if (mb == 0) return mn == 0 ? new Effect(1, 1, 1) : new Effect(double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);
        double ratio = mn / mb;
        int df = Math.Min(b.Length, n.Length);
        if (df < 2 || mn <= 0 || mb < 0) return new Effect(ratio, double.NaN, double.NaN);
        double t = new ConfidenceIntervalEstimator(df, 0, 1).ZLevel(ConfidenceLevel.L95);
        double seLog = Math.Sqrt(Math.Pow(seb / mb, 2) + Math.Pow(sen / mn, 2));
        return new Effect(ratio, ratio * Math.Exp(-t * seLog), ratio * Math.Exp(t * seLog));
    }

    /// <summary>The plain median (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var v = values.Order().ToArray();
        int m = v.Length / 2;
        return v.Length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /// <summary>"bimodal"-style note for a side of ≥ 12 values, from its mvalue (ResultsComparer's cut-offs).</summary>
    public static string Modality(string side, double[] values)
    {
        if (values.Length < MinModalitySamples) return "";
        double m = MValueCalculator.Calculate(values);
        string? kind = m switch { > 4.2 => "multimodal", > 3.2 => "bimodal", > 2.8 => "several modes?", _ => null };
        return kind is null ? "" : $"{side} {kind} (mvalue {m.ToString("0.0", CultureInfo.InvariantCulture)})";
    }

    /// <summary>
    /// The noise floor is a time per operation: the metric itself for <c>_ns</c> columns, 1e9 / value for rates
    /// (<c>_per_s</c>, <c>_per_cpu_s</c>); other metrics have none.
    /// </summary>
    private static bool BelowNoise(double b, double n, CompareSettings s)
    {
        if (s.Metric.EndsWith("_ns", StringComparison.Ordinal)) return Math.Abs(n - b) < s.NoiseNs;
        if (s.Metric.EndsWith("_s", StringComparison.Ordinal) && s.Metric.Contains("_per_", StringComparison.Ordinal) && b > 0 && n > 0)
            return Math.Abs(1e9 / n - 1e9 / b) < s.NoiseNs;
        return false;
    }

    private static (double Median, double StandardError) HdMedian(double[] values)
    {
        if (values.Length == 0) return (double.NaN, double.NaN);
        if (values.Length == 1) return (values[0], 0);
        var sample = new Sample(values);
        var est = HarrellDavisQuantileEstimator.Instance.QuantileConfidenceIntervalEstimator(sample, Probability.Median);
        return (est.Estimation, double.IsFinite(est.StandardError) ? est.StandardError : 0);
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";

    private static string Ns(double ns) => ns.ToString("0.###", CultureInfo.InvariantCulture) + " ns";

    private static string Join(params string[] parts) => string.Join("; ", parts.Where(p => p.Length > 0));
}
