using PolicyStress.Cli.Scaling;

namespace PolicyStress.Cli.Tests;

/// <summary>The Universal Scalability Law fit recovers known parameters; will-it-scale's scalability and the reasons a figure is absent.</summary>
public sealed class ScalingTests
{
    private static readonly int[] Tasks = [1, 2, 4, 8, 16, 32, 64];

    private static (double, double)[] Synthetic(double lambda, double sigma, double kappa, double noise = 0) =>
        [.. Tasks.Select((n, i) => ((double)n,
            new UslModel(lambda, sigma, kappa, 0).Throughput(n) * (1 + noise * (i % 2 == 0 ? 1 : -1))))];

    [Theory]
    [InlineData(0.05, 0.001)]
    [InlineData(0.2, 0.0)]
    [InlineData(0.0, 0.0)]
    [InlineData(0.01, 0.0002)]
    public void RecoversKnownSigmaAndKappa(double sigma, double kappa)
    {
        var fit = UslFit.Fit(Synthetic(1e6, sigma, kappa));
        Assert.Equal(sigma, fit.Sigma, 5);
        Assert.Equal(kappa, fit.Kappa, 7);
        Assert.Equal(1e6, fit.Lambda, 1e6 * 1e-5);
        Assert.True(fit.Residual < 1e-5, $"residual {fit.Residual}");
    }

    [Fact]
    public void ThePeakIsWhereCoherencyOvertakes()
    {
        var fit = UslFit.Fit(Synthetic(2e7, 0.05, 0.001));
        Assert.Equal(Math.Sqrt(0.95 / 0.001), fit.PeakTasks!.Value, 1);
        Assert.Null(UslFit.Fit(Synthetic(2e7, 0.2, 0)).PeakTasks);   // Amdahl: a plateau, no peak
    }

    [Fact]
    public void NoisyPointsStillFitCloselyAndSayHowClosely()
    {
        var fit = UslFit.Fit(Synthetic(1e6, 0.05, 0.001, noise: 0.01));
        Assert.InRange(fit.Sigma, 0.03, 0.07);
        Assert.InRange(fit.Kappa, 0.0007, 0.0013);
        Assert.InRange(fit.Residual, 0.005, 0.02);   // ±1% noise: about 1% RMS
    }

    [Fact]
    public void AFitNeedsFourTaskCountsAndPositiveRates()
    {
        Assert.Throws<ArgumentException>(() => UslFit.Fit([(1, 1), (2, 2), (4, 3), (4, 3)]));
        Assert.Throws<ArgumentException>(() => UslFit.Fit([(1, 1), (2, 0), (4, 3), (8, 3)]));
    }

    private static Curve CurveOf(params (int Tasks, double Rate)[] points) =>
        new("pft", "snapshot", "none", "none", false,
            [.. points.Select(p => new CurvePoint(p.Tasks, p.Rate, p.Rate, p.Rate, 50, 40, 80, 100, 200, p.Rate / p.Tasks, p.Rate / p.Tasks, 0, 1))]);

    [Fact]
    public void ScalabilityIsThroughputAtMostTasksOverLinear()
    {
        Assert.Equal(0.75, CurveOf((1, 10), (2, 18), (4, 30)).Scalability!.Value, 12);
        Assert.Null(CurveOf((1, 10), (2, 18)).Scalability);
        Assert.Null(CurveOf((1, 10), (2, 18), (4, 30)).Usl);
        Assert.NotNull(CurveOf((1, 10), (2, 18), (4, 30), (8, 40)).Usl);
    }

    [Fact]
    public void APeakFarBeyondTheMeasuredTasksIsNotPredicted()
    {
        Assert.Equal("30.8", Curve.PeakText(new UslModel(1, 0.05, 0.001, 0), 16));
        Assert.Equal("> 160", Curve.PeakText(new UslModel(1, 0.01, 1e-8, 0), 16));
        Assert.Equal("none", Curve.PeakText(new UslModel(1, 0.2, 0, 0), 16));
    }

    [Fact]
    public void AbsentFiguresSayWhy()
    {
        Assert.Contains("2 task counts measured; will-it-scale's scalability needs 3 and a USL fit 4", Curve.Missing(2));
        Assert.Contains("a fit of three parameters needs 4", Curve.Missing(3));
        Assert.Null(Curve.Missing(4));
    }
}
