using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// The findings that are not reference-count events — tree invariant violations seen while the run goes —
/// and the policies that wait to be freed (graveyard, grace periods): how many wait now, at most, in all,
/// and for how long. The reference events live in <see cref="PolicyCache"/>; <see cref="Kernel.Audit"/>
/// adds the quiescent checks. Everything here is written on writer paths only (retire, free); the
/// Interlocked operations buy atomicity of the counts, no ordering is relied on.
/// </summary>
public sealed class Auditor(Func<long>? clockNs)
{
    private long _treeErrors, _waiting, _waitingPeak, _waited, _waitedNs, _waitedNsMax, _scans, _scanSlots, _scanNs;
    private readonly WaitHistogram _waits = new();

    /// <summary>What one waiting policy holds, in the kernel: the object, and percpu-ref's per-CPU counters.</summary>
    internal long BytesPerPolicy { get; init; } = Kernel.MempolicyBytes;

    /// <summary>The injected clock's now, 0 without one (writer paths only).</summary>
    internal long Now() => clockNs?.Invoke() ?? 0;

    /// <summary>A hazard scan read <paramref name="slots"/> slots in <paramref name="ns"/> nanoseconds.</summary>
    internal void Scanned(int slots, long ns)
    {
        Interlocked.Increment(ref _scans);
        Interlocked.Add(ref _scanSlots, slots);
        Interlocked.Add(ref _scanNs, ns);
    }

    internal void TreeError() => Interlocked.Increment(ref _treeErrors);

    /// <summary><paramref name="p"/> left its last reachable place but may not be freed yet.</summary>
    internal void StartWaiting(Mempolicy p)
    {
        if (p.WaitingSince != 0) return;   // already waiting (a graveyard policy that then waits a grace period)
        p.WaitingSince = clockNs?.Invoke() ?? 1;
        long now = Interlocked.Increment(ref _waiting);
        long peak;
        while (now > (peak = Volatile.Read(ref _waitingPeak)) && Interlocked.CompareExchange(ref _waitingPeak, now, peak) != peak) { }
    }

    /// <summary><paramref name="p"/> is being freed: if it waited, count how long.</summary>
    internal void StopWaiting(Mempolicy p)
    {
        long since = p.WaitingSince;
        if (since == 0) return;
        p.WaitingSince = 0;
        Interlocked.Decrement(ref _waiting);
        Interlocked.Increment(ref _waited);
        if (clockNs is null) return;
        long d = Math.Max(0, clockNs() - since);
        _waits.Record(d);
        Interlocked.Add(ref _waitedNs, d);
        long max;
        while (d > (max = Volatile.Read(ref _waitedNsMax)) && Interlocked.CompareExchange(ref _waitedNsMax, d, max) != max) { }
    }

    public long TreeErrors => Volatile.Read(ref _treeErrors);
    public long WaitingNow => Volatile.Read(ref _waiting);
    public long WaitingPeak => Volatile.Read(ref _waitingPeak);
    /// <summary>Policies that waited and have been freed.</summary>
    public long Waited => Volatile.Read(ref _waited);
    /// <summary>Mean and longest wait in microseconds, by the clock the harness injected; NaN without one.</summary>
    public double WaitMeanUs => clockNs is null || Waited == 0 ? double.NaN : Volatile.Read(ref _waitedNs) / 1e3 / Waited;
    public double WaitMaxUs => clockNs is null || Waited == 0 ? double.NaN : Volatile.Read(ref _waitedNsMax) / 1e3;
    /// <summary>A quantile of the waits in microseconds (log-linear histogram, within 12.5%); NaN without a clock or waits.</summary>
    public double WaitQuantileUs(double q) => clockNs is null ? double.NaN : _waits.Quantile(q) / 1e3;
    /// <summary>Hazard scans run, the slots they read, and their mean duration in ns (NaN without a clock or scans).</summary>
    public long Scans => Volatile.Read(ref _scans);
    public long ScanSlots => Volatile.Read(ref _scanSlots);
    public double ScanMeanNs => clockNs is null || Scans == 0 ? double.NaN : (double)Volatile.Read(ref _scanNs) / Scans;
}
