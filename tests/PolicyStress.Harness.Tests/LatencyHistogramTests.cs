using System.Diagnostics;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Tests;

/// <summary>LatencyHistogram keeps its claims: ≤ 3% quantile error against exact quantiles, a small fixed footprint, no allocation.</summary>
public sealed class LatencyHistogramTests
{
    private static double Ns(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    /// <summary>Lognormal fault-like latencies in ticks (median 300, long tail), from a fixed seed.</summary>
    private static long[] Lognormal(int n, double median, double sigma)
    {
        var rng = new Random(20071030);
        var v = new long[n];
        for (int i = 0; i < n; i++)
        {
            // Box-Muller: a standard normal from two uniforms.
            double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            v[i] = Math.Max(1, (long)Math.Round(median * Math.Exp(sigma * z)));
        }
        return v;
    }

    [Theory]
    [InlineData(300, 0.8)]
    [InlineData(5_000, 1.5)]
    [InlineData(40, 0.3)]   // mostly in the exact linear buckets
    public void QuantilesAreWithinThreePercentOfTheExactOnes(double median, double sigma)
    {
        long[] values = Lognormal(200_000, median, sigma);
        var h = new LatencyHistogram();
        foreach (long v in values) h.Record(v);
        Array.Sort(values);
        foreach (double q in new[] { 0.5, 0.9, 0.99, 0.999, 0.9999 })
        {
            // The same rank rule as the histogram: the smallest value with at least q·n values at or below it.
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            double error = Math.Abs(h.QuantileNs(q) - Ns(exact)) / Ns(exact);
            Assert.True(error <= 0.03, $"q={q}: histogram {h.QuantileNs(q):0.#} ns, exact {Ns(exact):0.#} ns, error {error:P2}");
        }
        Assert.Equal(Ns(values[^1]), h.MaxNs);
        Assert.Equal(values.Length, h.Count);
    }

    [Fact]
    public void EveryBucketIsWithinItsClaimedError()
    {
        for (long v = 1; v < 1L << 40; v += Math.Max(1, v / 97))
        {
            var h = new LatencyHistogram();
            h.Record(v);
            h.Record(v * 1000);   // the maximum above, so the median is the bucket's midpoint, not clamped to max
            double error = Math.Abs(h.QuantileNs(0.5) - Ns(v)) / Ns(v);
            Assert.True(v < 64 ? error == 0 : error <= 1.0 / 32, $"{v} ticks: error {error:P2}");
        }
    }

    [Fact]
    public void MemoryPerTaskIsFifteenKilobytesAndRecordAllocatesNothing()
    {
        // The counts array plus the padded totals: one histogram per faulting task (HdrHistogram's default
        // configuration for the same range and precision is an order of magnitude larger).
        long bytes = LatencyHistogram.Buckets * sizeof(long) + 256;
        Assert.InRange(bytes, 15_000, 16 * 1024);
        var h = new LatencyHistogram();
        h.Record(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long v = 0; v < 1_000_000; v++) h.Record(v * 7919 % 5_000_000);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(1_000_001, h.Count);
    }
}
