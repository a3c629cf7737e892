using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// policy_cache (the kmem_cache mempolicies come from) plus the always-on auditor of their reference
/// counts. mpol_get / __mpol_put / mpol_cond_put live here because every one of them is also a check.
/// </summary>
/// <remarks>
/// Freed objects are poisoned (<see cref="Mempolicy.Freed"/>, a new <see cref="Mempolicy.Generation"/>)
/// and pushed on a free list that <see cref="Alloc"/> pops first, so a stale pointer soon aliases a live,
/// different policy — as a freed slab object does. A user that recorded the generation when it obtained
/// the pointer sees the change (<see cref="CheckUse"/>). The checks cost a load and a well-predicted
/// branch; counters are written only when something is wrong, so the auditor stays on in benchmarks.
/// The free list and the registry are behind one lock that only mpol_new and the final put take: never
/// the fault path's common case.
/// </remarks>
public sealed partial class PolicyCache
{
    private readonly Lock _lock = new();
    private readonly Stack<Mempolicy> _free = new();
    private readonly List<Mempolicy> _all = new();
    private int _nextId;

    // Event counters: touched only when a bug is observed, so plain Interlocked on one object is fine; they
    // need atomicity, not ordering.
    private long _uaf, _underflow, _staticPuts, _doubleFree, _freed;

    /// <summary>
    /// Where a shared-tree policy whose count reaches zero goes. Immediate by default (kmem_cache_free); the
    /// epoch scheme and lock-free tree readers install a deferring reclaimer (a grace period).
    /// </summary>
    internal Action<Mempolicy>? DeferFree;

    /// <summary>Told when a policy that waited to be freed is freed at last.</summary>
    internal Auditor? Auditor;

    /// <summary>kmem_cache_alloc + the initialisation of mpol_new: refcnt 1, home node none.</summary>
    internal Mempolicy Alloc(MempolicyMode mode, ushort flags)
    {
        Mempolicy p;
        lock (_lock)
        {
            if (!_free.TryPop(out p!))
            {
                p = new Mempolicy();
                _all.Add(p);
            }
            p.Id = ++_nextId;
        }
        p.Mode = mode;
        p.Flags = flags;
        p.Nodes = NodeMask.Empty;
        p.HomeNode = -1;
        p.CpusetMemsAllowed = NodeMask.Empty;
        p.UserNodemask = null;
        p.Refcnt = 1;
        p.Freed = false;
        if (RefKind == Schemes.FaultRef.PerCpu)
        {
            if (p.PcpuCounts is null) p.PcpuCounts = PercpuRef.NewSlots(Cpus);
            else Array.Clear(p.PcpuCounts);
            p.PcpuState = PercpuRef.Live;
        }
        // Publish the reinitialised object with a new stamp: anyone still holding the old life sees it change.
        Interlocked.Increment(ref p.Generation);
        return p;
    }

    /// <summary>mpol_dup(): a private copy with one reference (the 2012 rule for vma and tree policies).</summary>
    internal Mempolicy? Dup(Mempolicy? old)
    {
        if (old is null) return null;
        Touch(old);
        var p = Alloc(old.Mode, old.Flags);
        p.CopyFrom(old);
        return p;
    }

    /// <summary>mpol_get(): NULL-safe increment. A get on a freed object is a use after free.</summary>
    internal void Get(Mempolicy? p)
    {
        if (p is null) return;
        if (p.Freed) Interlocked.Increment(ref _uaf);
        Interlocked.Increment(ref p.Refcnt);   // full fence: orders the get before the caller's reads of p
    }

    /// <summary>
    /// atomic_inc_not_zero(): take a reference unless the count already reached zero (the object is being
    /// retired). For readers that found the pointer without the tree lock; safe only because such trees
    /// defer frees for a grace period, so the object cannot be reused under the reader.
    /// </summary>
    internal bool TryGetNotZero(Mempolicy p)
    {
        int v = Volatile.Read(ref p.Refcnt);
        while (v > 0)
        {
            int seen = Interlocked.CompareExchange(ref p.Refcnt, v + 1, v);   // full fence, like the kernel's cmpxchg
            if (seen == v) return true;
            v = seen;
        }
        return false;
    }

    /// <summary>mpol_put() / __mpol_put(): decrement, free at zero.</summary>
    internal void Put(Mempolicy? p)
    {
        if (p is null) return;
        if (p.IsStatic)
        {
            // default_policy and preferred_node_policy[] hold a permanent 1 ("never free it"). A get/put
            // pair around a use is legal; a put that would take them below 1 drops a ref never taken.
            if (Interlocked.Decrement(ref p.Refcnt) < 1)
            {
                Interlocked.Increment(ref p.Refcnt);
                Interlocked.Increment(ref _staticPuts);
            }
            return;
        }
        if (p.Freed)
        {
            Interlocked.Increment(ref _doubleFree);
            return;
        }
        int v = Interlocked.Decrement(ref p.Refcnt);   // full fence: our last reads of p happen before the free
        if (v > 0) return;
        if (v < 0)
        {
            Interlocked.Increment(ref _underflow);
            return;
        }
        // rcuref_put_slowpath(): mark the count dead with one CAS; a get that revived it meanwhile wins.
        if (RefKind == Schemes.FaultRef.Rcuref && p.IsShared && Interlocked.CompareExchange(ref p.Refcnt, RcurefDead, 0) != 0) return;
        // Only a policy a shared tree published (MPOL_F_SHARED) can be in a reader's hands without a reference:
        // a snapshot reader or an epoch fault finds it with no lock. Everything else — the copy mbind made for
        // itself (do_mbind's mpol_put(new); the tree keeps sp_alloc's mpol_dup), task and vma policies — is
        // reached only under task_lock or the mmap lock, so it is freed at once, as the kernel frees it.
        if (DeferFree is { } defer && p.IsShared) defer(p);
        else Free(p);
    }

    /// <summary>mpol_cond_put(): drop the lookup reference only for shared-tree policies.</summary>
    internal void CondPut(Mempolicy? p)
    {
        if (p is not null && p.IsShared) Put(p);
    }

    /// <summary>kmem_cache_free with poisoning. The object goes back on the free list for reuse.</summary>
    internal void Free(Mempolicy p)
    {
        Auditor?.StopWaiting(p);
        p.Freed = true;
        Interlocked.Increment(ref p.Generation);
        Interlocked.Increment(ref _freed);
        lock (_lock) _free.Push(p);
    }

    /// <summary>A read of a policy with no generation to compare: flags use of a poisoned object.</summary>
    internal void Touch(Mempolicy p)
    {
        if (p.Freed) Interlocked.Increment(ref _uaf);
    }

    /// <summary>
    /// The end of a use that began when the user saw generation <paramref name="generation"/>: if the
    /// object was freed, or freed and reused, in between, the user has been reading freed memory.
    /// </summary>
    internal bool CheckUse(Mempolicy p, int generation)
    {
        if (Volatile.Read(ref p.Generation) == generation && !p.Freed) return true;
        Interlocked.Increment(ref _uaf);
        return false;
    }

    /// <summary>Every policy object that is live (not on the free list) right now; call when quiescent.</summary>
    internal List<Mempolicy> LiveObjects()
    {
        lock (_lock) return _all.FindAll(p => !p.Freed);
    }

    internal (long Uaf, long Underflow, long StaticPuts, long DoubleFree, long Freed) Events =>
        (Volatile.Read(ref _uaf), Volatile.Read(ref _underflow), Volatile.Read(ref _staticPuts),
         Volatile.Read(ref _doubleFree), Volatile.Read(ref _freed));
}
