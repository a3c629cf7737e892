namespace PolicyStress.Engine.Policies;

/// <summary>
/// struct mempolicy. One object per policy; the fields other than <see cref="Refcnt"/> are written only
/// while the object is private to its creator (mpol_new, mpol_dup) or under the lock that protects the
/// pointer to it, and are read by every task that allocates through it.
/// </summary>
/// <remarks>
/// Refcount rules (Documentation/admin-guide/mm/numa_memory_policy.rst, "MEMORY POLICY REFERENCE
/// COUNTING"): creation gives the creator one reference; each pointer stored in a structure (task,
/// vma, shared-tree node) owns one; a shared-tree lookup takes one for the caller, who drops it with a
/// conditional put (only objects marked <see cref="MpolFlags.Shared"/>). The count, like the kernel's
/// atomic_t, shares its cache line with the mode and nodes that every allocating task reads: that is
/// the line the 2007 debate is about, and the model keeps it that way on purpose.
/// </remarks>
public sealed class Mempolicy
{
    /// <summary>atomic_t refcnt; changed only with Interlocked (see <see cref="Refcounting.PolicyCache"/>).</summary>
    internal int Refcnt;

    /// <summary>Auditor stamp: incremented when the object is freed and again when it is reused.</summary>
    internal int Generation;

    /// <summary>Auditor poison: set when the count reaches zero, cleared when the pool reuses the object.</summary>
    internal bool Freed;

    /// <summary>When (by the injected clock; 1 without one) the policy began to wait to be freed; 0 if not.</summary>
    internal long WaitingSince;

    /// <summary>percpu-ref: the per-CPU counts (<see cref="Refcounting.PercpuRef"/>); null under other schemes.</summary>
    internal long[]? PcpuCounts;

    /// <summary>percpu-ref: live, dead (killed) or atomic (counts summed into <see cref="Refcnt"/>).</summary>
    internal int PcpuState;

    public MempolicyMode Mode { get; internal set; }
    /// <summary>Mode flags (static/relative/balancing) and internal flags (shared, MOF, MORON).</summary>
    public ushort Flags { get; internal set; }
    public NodeMask Nodes { get; internal set; }
    /// <summary>home_node for bind and preferred-many, -1 (NUMA_NO_NODE) otherwise.</summary>
    public int HomeNode { get; internal set; } = -1;
    /// <summary>w.cpuset_mems_allowed: the task's mems_allowed when the nodes were contextualised.</summary>
    public NodeMask CpusetMemsAllowed { get; internal set; }
    /// <summary>w.user_nodemask: kept for static and relative policies only.</summary>
    public UserNodeMask? UserNodemask { get; internal set; }
    /// <summary>default_policy and preferred_node_policy[]: never freed; a put on them is a bug.</summary>
    public bool IsStatic { get; internal init; }
    /// <summary>A diagnostic serial number, stable for the object's current life, for figures and logs.</summary>
    public int Id { get; internal set; }

    public int RefCount => Volatile.Read(ref Refcnt);
    /// <summary>rcuref: the last reference is gone and the count carries the dead mark; the free waits a grace period.</summary>
    public bool IsDeadMarked => Volatile.Read(ref Refcnt) < Refcounting.PolicyCache.RcurefDeadZone;
    /// <summary>The auditor has poisoned this object: its count reached zero and it was freed.</summary>
    public bool IsFreed => Freed;
    public bool IsShared => (Flags & MpolFlags.Shared) != 0;
    /// <summary>
    /// mpol_store_user_nodemask() as kernel 6.18 has it (checked by the conformance driver): any mode flag —
    /// static, relative or numa-balancing — keeps the user's mask in w.user_nodemask, so get_mempolicy
    /// reports a bind|balancing policy's mask as the user gave it. (A newer mm tree narrows this to
    /// static|relative, MPOL_USER_NODEMASK_FLAGS.)
    /// </summary>
    public bool StoresUserNodemask => (Flags & MpolFlags.ModeFlags) != 0;

    internal void CopyFrom(Mempolicy src)
    {
        Mode = src.Mode;
        Flags = src.Flags;
        Nodes = src.Nodes;
        HomeNode = src.HomeNode;
        CpusetMemsAllowed = src.CpusetMemsAllowed;
        UserNodemask = src.UserNodemask;
    }

    public override string ToString() => PolicyText.ToKernelString(this);
}
