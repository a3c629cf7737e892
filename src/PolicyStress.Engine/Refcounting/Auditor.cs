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
    private long _treeErrors, _waiting, _waitingPeak, _waited, _waitedNs, _waitedNsMax;

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
}
