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

    /// <summary>When a tree policy whose count reached zero waits for a grace period before it is freed.</summary>
    public required GracePeriods GracePeriods { get; init; }

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

    /// <summary>Attached mappings hold references on the tree's policies (the "Figure 3" family).</summary>
    public bool VmaHeld => Attach == AttachRule.HoldEveryTreePolicy;

    /// <summary>Whether a kernel of this scheme under <paramref name="bugs"/> claims safety.</summary>
    public bool ClaimsSafety(Bugs2007 bugs) => Safety switch
    {
        SafetyClaim.Claims => true,
        SafetyClaim.WithoutBugs => bugs == Bugs2007.None,
        _ => false,
    };

    /// <summary>Whether frees wait for a grace period under tree lock <paramref name="spLock"/>.</summary>
    public bool DefersFrees(SpLockKind spLock) => GracePeriods switch
    {
        GracePeriods.Always => true,
        GracePeriods.WithLockFreeReaders => spLock == SpLockKind.Snapshot,
        _ => false,
    };

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
}

/// <summary>What attaching a mapping (shmat, mmap) does to the tree's policies.</summary>
public enum AttachRule
{
    /// <summary>Nothing: only the tree owns references.</summary>
    Nothing,
    /// <summary>The mapping takes a reference on every tree policy, and on every policy inserted later; its
    /// detach (shmdt, munmap, exit) drops them.</summary>
    HoldEveryTreePolicy,
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

/// <summary>When a tree policy whose count reached zero waits for every task to pass a quiescent point.</summary>
public enum GracePeriods
{
    /// <summary>Only when readers take no lock (the snapshot tree): call_rcu after the unlink.</summary>
    WithLockFreeReaders,
    /// <summary>Always (the scheme's readers hold no reference the free could see).</summary>
    Always,
    /// <summary>Never, even with lock-free readers: the free is immediate so that the scheme's flaw shows.</summary>
    Never,
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
