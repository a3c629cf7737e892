namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Everything one reference-counting scheme means, in one place: what the user types, what a fault does to
/// keep a tree policy alive, what attaching and detaching a mapping do, what a replace does with the policy it
/// removes, how frees wait, the tree lock it forces and whether it claims to be safe. The engine reads these
/// once, when a kernel is built, into readonly fields (the fault path branches on cached values, never on a
/// definition); the CLI, the CSV writer, the suite, the figures and the bench list schemes from
/// <see cref="SchemeRegistry"/>. One file per scheme, beside this one, names its origin.
/// </summary>
public sealed class SchemeDefinition
{
    /// <summary>The engine's key for the scheme.</summary>
    public required RefScheme Kind { get; init; }

    /// <summary>The name users type (--scheme) and the CSV writes; the one place the spelling lives.</summary>
    public required string Name { get; init; }

    /// <summary>One line for help and tables: what keeps a tree policy alive under this scheme.</summary>
    public required string Summary { get; init; }

    /// <summary>What a fault (and every other tree lookup) does to the policy it finds.</summary>
    public required FaultRef FaultRef { get; init; }

    /// <summary>What attaching a mapping of a shmem object does to the tree's policies.</summary>
    public required AttachRule Attach { get; init; }

    /// <summary>What a replace (mbind over a range, teardown) does with a policy it removes from the tree.</summary>
    public required ReplaceRule Replace { get; init; }

    /// <summary>How a tree policy whose count reached zero is freed: at once, after a grace period, after a
    /// per-CPU kill, after a hazard scan, or after two Refcache epochs.</summary>
    public required FreeRule Frees { get; init; }

    /// <summary>The tree lock the scheme's kernel had whatever the run asks for (2.6.23: a spinlock), or null.</summary>
    public SpLockKind? ForcedSpLock { get; init; }

    /// <summary>Whether the scheme claims to be safe, i.e. whether a finding under it fails the run.</summary>
    public required SafetyClaim Safety { get; init; }

    /// <summary>The 2.6.23 object model: modes 0–3, tree and vma share one policy object, no inode bias.</summary>
    public bool ObjectModel2007 { get; init; }

    /// <summary>
    /// How the figures table says why a removed policy with references left is not freed yet (the vma
    /// schemes: "waits for detach").
    /// </summary>
    public string HeldText { get; init; } = "waits for detach";

    /// <summary>
    /// One of the scalable designs of 2013–2026 (rcuref, percpu_ref, hazard pointers, Refcache, RCU frees): the
    /// suite measures them in their own, smaller section (pft and churn at the most tasks), not in the full grid.
    /// </summary>
    public bool Scalable { get; init; }

    /// <summary>How the figures table says why a removed policy at count zero is not freed yet.</summary>
    public string WaitText { get; init; } = "waits for a grace period";

    /// <summary>Attached mappings hold references on the tree's policies (the "Figure 3" family).</summary>
    public bool VmaHeld => Attach != AttachRule.Nothing;

    /// <summary>Whether a kernel of this scheme under <paramref name="bugs"/> claims safety.</summary>
    public bool ClaimsSafety(Bugs2007 bugs) => Safety switch
    {
        SafetyClaim.Claims => true,
        SafetyClaim.WithoutBugs => bugs == Bugs2007.None,
        _ => false,
    };

    /// <summary>Whether frees wait (for anything) under tree lock <paramref name="spLock"/>.</summary>
    public bool DefersFrees(SpLockKind spLock) => Frees switch
    {
        FreeRule.AtZero => spLock == SpLockKind.Snapshot,
        FreeRule.AtZeroAlways => false,
        _ => true,
    };

    /// <summary>Whether the wait is a grace period (every task passes a quiescent point) under <paramref name="spLock"/>.</summary>
    public bool UsesGracePeriods(SpLockKind spLock) => Frees is FreeRule.GracePeriod or FreeRule.PercpuKill or FreeRule.TwoEpochs
        || (Frees == FreeRule.AtZero && spLock == SpLockKind.Snapshot);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>What a tree lookup does to keep the policy it found alive while the caller uses it.</summary>
public enum FaultRef
{
    /// <summary>Nothing: the caller relies on vma references, grace periods, or nothing at all.</summary>
    None,
    /// <summary>mpol_get() under the tree lock (atomic_inc_not_zero without it), mpol_cond_put() after use.</summary>
    Atomic,
    /// <summary>rcuref_get(): one unconditional add, no CAS retry loop; a get that lands on a dead count fails.</summary>
    Rcuref,
    /// <summary>percpu_ref_tryget_live(): an add on the fault's CPU's own slot; fails once the ref is killed.</summary>
    PerCpu,
    /// <summary>A hazard pointer: the policy is published in the task's slot and the tree re-checked.</summary>
    Hazard,
    /// <summary>Refcache: +1 and −1 in the task's own delta cache, flushed to the true count once per epoch.</summary>
    Refcache,
}

/// <summary>What attaching a mapping (shmat, mmap) does to the tree's policies.</summary>
public enum AttachRule
{
    /// <summary>Nothing: only the tree owns references.</summary>
    Nothing,
    /// <summary>The mapping takes a reference on every tree policy, and on every policy inserted later; its
    /// detach (shmdt, munmap, exit) drops them.</summary>
    HoldEveryTreePolicy,
    /// <summary>Lee's words literally: the mapping takes a reference on every policy in the tree at attach, none
    /// on later inserts, and its detach drops one on every policy in the tree at detach, taken or not.</summary>
    HoldTreeAtAttachDropTreeAtDetach,
}

/// <summary>What a replace does with a policy it removes from the tree.</summary>
public enum ReplaceRule
{
    /// <summary>Drop the tree's reference (sp_delete → mpol_put); users with references keep it alive.</summary>
    PutTreeReference,
    /// <summary>Figure 3 as written: drop the tree's and every attached mapping's reference at once.</summary>
    DropEveryReference,
    /// <summary>Drop the tree's reference; the mappings keep theirs and the policy waits for them to detach.</summary>
    WaitForDetach,
    /// <summary>Park it: nothing is freed during the run (the tree's reference goes at teardown).</summary>
    Park,
}

/// <summary>How a tree policy whose count reached zero is freed.</summary>
public enum FreeRule
{
    /// <summary>At once (kmem_cache_free), or after a grace period when readers take no lock (the snapshot
    /// tree: call_rcu after the unlink).</summary>
    AtZero,
    /// <summary>At once even with lock-free readers, so that the scheme's flaw shows.</summary>
    AtZeroAlways,
    /// <summary>After a grace period, always (kfree_rcu / call_rcu): the readers hold no reference a free sees.</summary>
    GracePeriod,
    /// <summary>percpu_ref_kill(): the ref is marked dead at once, switched to atomic mode (its per-CPU counts
    /// summed) after a grace period, and freed when that sum, the true count, is zero — or by the last put.</summary>
    PercpuKill,
    /// <summary>Retired to a list; a scan of every task's hazard slot frees those no slot holds.</summary>
    HazardScan,
    /// <summary>Refcache review: freed once the true count has stayed zero across two epochs, every task
    /// having flushed its delta cache in each.</summary>
    TwoEpochs,
}

/// <summary>Whether a scheme claims safety, so that a finding under it is a failure.</summary>
public enum SafetyClaim
{
    /// <summary>Safe by design: any finding is a bug in the model or the scheme.</summary>
    Claims,
    /// <summary>Known unsafe: findings are the expected result.</summary>
    DoesNot,
    /// <summary>Safe only with all of its modelled bugs switched off (lookup-2007).</summary>
    WithoutBugs,
}
