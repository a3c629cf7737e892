using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using PolicyStress.Engine;

namespace PolicyStress.Harness.Running;

/// <summary>
/// A log-linear histogram of durations in Stopwatch ticks, HdrHistogram-style with 5 bits of sub-bucket
/// precision (≤ 3% error above 64 ticks, exact below). One per recording thread: <see cref="Record"/> writes
/// only this object's own array, allocates nothing and takes no lock.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 5, Sub = 1 << SubBits, Linear = 2 * Sub;
    /// <summary>Buckets per histogram: every 64-bit tick count has one (1,888 longs: 15 KB per recording task).</summary>
    internal const int Buckets = Linear + (63 - SubBits - 1) * Sub;
    private readonly long[] _counts = new long[Buckets];
    // The totals written on every record are padded (CacheLine): histograms of different workers are
    // allocated back to back, and their hot fields must not share a cache line.
    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
    private struct Totals
    {
        [FieldOffset(CacheLine.Size)] public long Max;
        [FieldOffset(CacheLine.Size + 8)] public long Total;
    }

    private Totals _t;

    public long Count => _t.Total;

    public void Record(long ticks)
    {
        if (ticks < 0) ticks = 0;
        _counts[Index(ticks)]++;
        _t.Total++;
        if (ticks > _t.Max) _t.Max = ticks;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _t = default;
    }

    /// <summary>Add another histogram's counts (after its thread finished).</summary>
    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        _t.Total += other._t.Total;
        _t.Max = Math.Max(_t.Max, other._t.Max);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1) in nanoseconds; 0 when empty.</summary>
    public double QuantileNs(double q)
    {
        if (_t.Total == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(q * _t.Total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(TicksToNs(Midpoint(i)), MaxNs);
        }
        return MaxNs;
    }

    public double MaxNs => TicksToNs(_t.Max);

    private static int Index(long v)
    {
        if (v < Linear) return (int)v;
        int e = 63 - BitOperations.LeadingZeroCount((ulong)v);   // e >= SubBits + 1
        return Linear + (e - SubBits - 1) * Sub + (int)((v >> (e - SubBits)) & (Sub - 1));
    }

    private static double Midpoint(int i)
    {
        if (i < Linear) return i;
        int e = (i - Linear) / Sub + SubBits + 1, s = (i - Linear) % Sub;
        double width = Math.Pow(2, e - SubBits);
        return (Sub + s) * width + width / 2;
    }

    private static double TicksToNs(double ticks) => ticks * 1e9 / Stopwatch.Frequency;
}
