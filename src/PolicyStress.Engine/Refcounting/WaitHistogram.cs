namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// The distribution of how long policies waited to be freed, in nanoseconds: a log-linear histogram (each
/// power of two split in <see cref="SubBuckets"/> linear steps, so a percentile is within 1/8 = 12.5% of the
/// true value), recorded with Interlocked adds on the writer paths that free. rcuscale's grace-period
/// percentiles, for every scheme that defers frees.
/// </summary>
internal sealed class WaitHistogram
{
    private const int SubBits = 3;
    private const int SubBuckets = 1 << SubBits;
    private readonly long[] _counts = new long[64 * SubBuckets];
    private long _total;

    public void Record(long ns)
    {
        Interlocked.Increment(ref _counts[Index(Math.Max(0, ns))]);
        Interlocked.Increment(ref _total);
    }

    public long Count => Volatile.Read(ref _total);

    /// <summary>The value at quantile <paramref name="q"/> (0..1), the middle of its bucket; NaN when empty.</summary>
    public double Quantile(double q)
    {
        long total = Count;
        if (total == 0) return double.NaN;
        long rank = Math.Max(1, (long)Math.Ceiling(q * total)), seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank) return (Lower(i) + Lower(i + 1)) / 2.0;
        }
        return Lower(_counts.Length - 1);
    }

    /// <summary>Values below 8 get a bucket each; above, the power of two and the next three bits.</summary>
    private static int Index(long v)
    {
        if (v < SubBuckets) return (int)v;
        int exp = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v);   // ≥ SubBits
        int sub = (int)(v >> (exp - SubBits)) & (SubBuckets - 1);
        return (exp - SubBits + 1) * SubBuckets + sub;
    }

    private static double Lower(int i)
    {
        if (i < SubBuckets) return i;
        int exp = i / SubBuckets + SubBits - 1, sub = i % SubBuckets;
        return Math.Pow(2, exp) + sub * Math.Pow(2, exp - SubBits);
    }
}
