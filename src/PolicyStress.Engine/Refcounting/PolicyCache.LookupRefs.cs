using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// The reference a tree lookup hands its caller, by the scheme's <see cref="FaultRef"/> (fixed for the
/// kernel's life, so each switch is one predictable branch): taken under the tree lock, taken by a lock-free
/// reader of the snapshot tree (which may fail: the policy is on its way out, retry on a newer copy), and
/// dropped after the use.
/// </summary>
public sealed partial class PolicyCache
{
    /// <summary>rcuref_t's RCUREF_DEAD: the count of a policy whose last reference is gone (far from any real count).</summary>
    internal const int RcurefDead = int.MinValue / 2;

    /// <summary>Counts below this are rcuref's dead zone: a dead mark plus the failed gets that raced it.</summary>
    internal const int RcurefDeadZone = int.MinValue / 4;

    /// <summary>What a lookup's reference is (the scheme's fault rule); set once, when the kernel is built.</summary>
    internal FaultRef RefKind { get; init; }

    /// <summary>CPUs of the topology: percpu-ref policies get one counter each.</summary>
    internal int Cpus { get; init; }

    /// <summary>The lookup reference, taken under the tree lock (the tree's own reference keeps the count above zero).</summary>
    internal void TakeLookupRef(Mempolicy p, TaskStruct task)
    {
        switch (RefKind)
        {
            case FaultRef.Atomic:
            case FaultRef.Rcuref: Get(p); break;   // one locked add either way: the tree holds a reference
            case FaultRef.PerCpu: PercpuRef.Get(p, task.Cpu); break;
            case FaultRef.Hazard: HazardReclaimer.Protect(task, p); break;
            case FaultRef.Refcache: Refcache.Add(task, p, +1, this); break;
        }
    }

    /// <summary>
    /// The lookup reference, taken by a reader that found <paramref name="p"/> in a published copy with no
    /// lock: false when the policy is being retired. A hazard is only published here; the caller re-checks
    /// the tree. Safe against reuse because every such scheme defers frees (grace period, scan, epochs).
    /// </summary>
    internal bool TryTakeLookupRef(Mempolicy p, TaskStruct task)
    {
        switch (RefKind)
        {
            case FaultRef.Atomic: return TryGetNotZero(p);
            case FaultRef.Rcuref: return TryGetRcuref(p);
            case FaultRef.PerCpu: return PercpuRef.TryGetLive(p, task.Cpu);
            case FaultRef.Hazard: HazardReclaimer.ProtectAndFence(task, p); return true;
            case FaultRef.Refcache: Refcache.Add(task, p, +1, this); return true;
            default: return true;
        }
    }

    /// <summary>mpol_cond_put() of a lookup reference, by the scheme: only shared-tree policies carry one.</summary>
    internal void DropLookupRef(Mempolicy? p, TaskStruct task)
    {
        if (p is null || !p.IsShared) return;
        switch (RefKind)
        {
            case FaultRef.Atomic:
            case FaultRef.Rcuref: Put(p); break;
            case FaultRef.PerCpu: if (PercpuRef.PutIsAtomic(p, task.Cpu)) Put(p); break;
            case FaultRef.Hazard: HazardReclaimer.Clear(task); break;
            case FaultRef.Refcache: Refcache.Add(task, p, -1, this); break;
        }
    }

    /// <summary>
    /// rcuref_get(): one unconditional add (atomic_add_negative_relaxed), no CAS loop. A get that lands in
    /// the dead zone failed — the last put won — and restores the dead mark (rcuref_get_slowpath). A get
    /// that finds the count at zero before the last put marked it wins, and that put's CAS then fails.
    /// </summary>
    internal bool TryGetRcuref(Mempolicy p)
    {
        if (Interlocked.Increment(ref p.Refcnt) > 0) return true;   // full fence, like the kernel's locked add
        Volatile.Write(ref p.Refcnt, RcurefDead);
        return false;
    }

    /// <summary>Refcache: a flushed or evicted delta reaches the true count; zero sends the policy to review.</summary>
    internal void AddToTrueCount(Mempolicy p, int delta)
    {
        int v = Interlocked.Add(ref p.Refcnt, delta);
        if (v > 0) return;
        if (v < 0)
        {
            Interlocked.Increment(ref _underflow);
            return;
        }
        if (DeferFree is { } defer && p.IsShared) defer(p);
        else Free(p);
    }
}
