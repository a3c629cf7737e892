namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// How shared (tree) policies are kept alive while a task allocates with them. Chosen once per kernel. The
/// key only: what each scheme means, its name and its origin live in its file under Refcounting/Schemes
/// (<see cref="Schemes.SchemeRegistry"/>).
/// </summary>
public enum RefScheme
{
    /// <summary>Mainline since 2.6.26 (52cd3b074050): a tree lookup takes a reference under the tree lock;
    /// the allocation drops it with mpol_cond_put. Task and vma policies are used unreferenced.</summary>
    Lookup,
    /// <summary>2.6.23 (480eccf9ae10) rules, with the four bugs of the 30 Oct 2007 mail as switches.</summary>
    Lookup2007,
    /// <summary>"Figure 3": each attached vma holds a reference on every tree policy; faults take none.
    /// Withdrawn by Lee on 6 Nov 2007 because a replace can free a policy a fault is still using.</summary>
    VmaHeld,
    /// <summary>Figure 3 plus Lee's per-segment list: a removed policy waits until every vma that was
    /// attached when it was removed has detached.</summary>
    VmaHeldGraveyard,
    /// <summary>Figure 3 plus an RCU-style grace period: a removed policy is freed once every task has
    /// passed a quiescent point.</summary>
    VmaHeldEpoch,
    /// <summary>No reference counting and nothing freed during the run: the unsafe ceiling.</summary>
    None,
    /// <summary>rcuref_t (2023): unconditional-add lookup references, dead mark, RCU free.</summary>
    Rcuref,
    /// <summary>percpu_ref: per-CPU lookup references, killed by sp_delete, atomic after a grace period.</summary>
    PercpuRef,
    /// <summary>Hazard pointers: the fault publishes the policy in its task's slot; frees scan every slot.</summary>
    Hazptr,
    /// <summary>Refcache (RadixVM, 2013): per-core delta caches, epoch flushes, free after two zero epochs.</summary>
    Refcache,
    /// <summary>kfree_rcu of tree policies (mainline 2026 for vma policies; Babka's 2015 proposal for trees).</summary>
    VmaRcu,
    /// <summary>Figure 3 literally, on 2.6.23 objects: detach drops a reference on whatever is in the tree then.</summary>
    VmaHeld2007,
}

/// <summary>The lock that protects a shared policy tree (struct shared_policy.lock).</summary>
public enum SpLockKind
{
    /// <summary>spinlock_t, as in 2.6.23 and 3.8–4.7: a test-and-test-and-set word (the kernel's is a
    /// queued spinlock since 4.2; the model does not queue).</summary>
    Spin,
    /// <summary>rwlock_t since 4a8c7bb59ac8 (believed v4.8; the issue says 4.5) as the kernel builds it on
    /// x86 and arm64: a queued rwlock (kernel/locking/qrwlock.c, since 3.16). A reader is one atomic add on
    /// entry and one on exit; a waiting writer stops new readers. Until schema version 4 this name meant
    /// ReaderWriterLockSlim, which is now <see cref="Rwls"/>.</summary>
    RwLock,
    /// <summary>Readers take only their CPU's shard; writers take every shard (a big-reader lock, brlock,
    /// as Linux 2.4 had; no current kernel protects the tree this way).</summary>
    Sharded,
    /// <summary>Readers take no lock: they read an immutable copy of the ranges published with a volatile
    /// write. Writers copy on write under a writer lock; freed policies wait for a grace period (an RCU
    /// tree, which no kernel version has for sp->lock).</summary>
    Snapshot,
    /// <summary>.NET's ReaderWriterLockSlim: no kernel lock. Its readers take an internal spin lock on
    /// entry and on exit, so they serialise on one cache line. Called <c>rwlock</c> before schema version 4.</summary>
    Rwls,
}

/// <summary>The 2007 bugs of the seed mail, each an independent switch of <see cref="RefScheme.Lookup2007"/>.</summary>
[Flags]
public enum Bugs2007
{
    None = 0,
    /// <summary>Bug 1: do_set_mempolicy() swaps the task policy without mmap_sem.</summary>
    SetMempolicyUnlocked = 1,
    /// <summary>Bug 2a: alloc_page_vma()'s interleave path returns without dropping the lookup reference.</summary>
    InterleaveLeak = 2,
    /// <summary>Bug 2b: huge_zonelist() drops the reference of an interleave policy unconditionally.</summary>
    HugeInterleavePut = 4,
    /// <summary>Bug 3: shm_get_policy() returns a hugetlb segment's vma policy without a reference.</summary>
    ShmHugetlbNoref = 8,
    /// <summary>
    /// Not in Lee's list, but in 2.6.23 too: do_get_mempolicy(MPOL_F_ADDR) calls the vma's get_policy op —
    /// a shmem tree lookup, or with Lee's fix for bug 3 a reference on a hugetlb vma policy — and never drops
    /// the reference it takes (the 2008 rework's mpol_cond_put did). Off, the reference is dropped.
    /// </summary>
    GetMempolicyLeak = 16,
    All = SetMempolicyUnlocked | InterleaveLeak | HugeInterleavePut | ShmHugetlbNoref | GetMempolicyLeak,
}
