using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>
/// struct shared_policy: the policies of one shmem object, a set of disjoint page-offset ranges ordered by
/// start (the kernel's rbtree; here a sorted list, searched by binary search — same results, same lock).
/// </summary>
/// <remarks>
/// Reference rules per <see cref="SchemeDefinition"/>, all enforced here because this is where policies enter and
/// leave the tree: every node owns one reference; under the vma-held schemes every attached mapping also
/// owns one on every policy in the tree (taken at attach and at insert, dropped at detach or when the node
/// is removed, depending on the scheme). Node fields are read and written only under <see cref="SpLock"/>;
/// the snapshot kind additionally publishes an immutable copy for lock-free readers after every change.
/// </remarks>
public sealed partial class SharedPolicy
{
    private readonly Kernel _kernel;
    private readonly SpLock _lock;
    private readonly List<SpNode> _nodes = new();
    private SpRange[] _published = [];
    private int _count;                              // the unlocked "sp->root == NULL" check reads this
    private readonly List<Mapping> _attached = new();        // vma-held schemes: who holds references
    private readonly HashSet<Mempolicy> _graveyard = new();  // graveyard scheme: removed, still referenced
    private readonly List<Mempolicy> _retired = new();       // scheme none: removed, freed only at teardown
    private readonly List<Mempolicy> _unpublishedPuts = new(); // removed by this write; dropped after Publish()

    internal SharedPolicy(Kernel kernel)
    {
        _kernel = kernel;
        _lock = new SpLock(kernel.Config.EffectiveSpLock, kernel.Topology.CpuCount);
        var scheme = kernel.Config.Definition;
        VmaHeld = scheme.VmaHeld;
        _replace = scheme.Replace;
        _hazards = scheme.FaultRef == FaultRef.Hazard;
        _literalFigure3 = scheme.Attach == AttachRule.HoldTreeAtAttachDropTreeAtDetach;
    }

    private PolicyCache Cache => _kernel.Policies;
    /// <summary>Attached mappings own references on the tree's policies (the vma-held schemes); cached.</summary>
    private readonly bool VmaHeld;
    /// <summary>What removing a policy does, by the scheme; cached.</summary>
    private readonly ReplaceRule _replace;
    /// <summary>hazptr: lock-free lookups re-check the tree after publishing their hazard; cached.</summary>
    private readonly bool _hazards;
    /// <summary>vma-held-2007: no references on insert; a detach drops one on every policy in the tree; cached.</summary>
    private readonly bool _literalFigure3;

    /// <summary>Number of ranges now (diagnostic; unlocked read).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Policies removed from the tree that still wait for attached vmas to detach (graveyard).</summary>
    public int GraveyardCount { get { _lock.EnterWrite(); try { return _graveyard.Count; } finally { _lock.ExitWrite(); } } }

    /// <summary>
    /// mpol_shared_policy_lookup(): the policy covering page <paramref name="idx"/>, or null. With
    /// <paramref name="takeRef"/> the caller owns a reference (the mainline rule); otherwise the caller relies
    /// on its scheme (vma references, grace periods, or nothing). <paramref name="generation"/> is the
    /// object's auditor stamp as seen while it was certainly in the tree.
    /// </summary>
    internal Mempolicy? Lookup(ulong idx, TaskStruct task, bool takeRef, out int generation)
    {
        generation = 0;
        if (Volatile.Read(ref _count) == 0) return null;   // unlocked emptiness check, as the kernel does
        if (_lock.Kind == SpLockKind.Snapshot) return LookupSnapshot(idx, task, takeRef, out generation);
        int cpu = task.Cpu;
        _lock.EnterRead(cpu);
        Mempolicy? pol = null;
        int i = FirstOverlap(idx, idx + 1);
        if (i >= 0)
        {
            pol = _nodes[i].Policy;
            generation = Volatile.Read(ref pol.Generation);
            if (takeRef) Cache.TakeLookupRef(pol, task);   // the scheme's reference (FaultRef)
        }
        _lock.ExitRead(cpu);
        return pol;
    }

    /// <summary>
    /// Lock-free lookup in the published copy. Taking a reference must not resurrect a policy whose count
    /// already reached zero (atomic_inc_not_zero; rcuref's dead mark; percpu_ref's kill); such a policy is
    /// being retired, so retry on a newer copy. A hazard pointer is published and the tree re-checked: if the
    /// copy changed, retry (the policy may have been retired before the hazard was seen). The object cannot
    /// be reused meanwhile because every scheme defers frees for snapshot trees.
    /// </summary>
    private Mempolicy? LookupSnapshot(ulong idx, TaskStruct task, bool takeRef, out int generation)
    {
        while (true)
        {
            var snap = Volatile.Read(ref _published);   // acquire: the ranges and policies it points to are initialised
            int lo = 0, hi = snap.Length - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) >>> 1;
                if (snap[mid].End <= idx) lo = mid + 1;
                else hi = mid - 1;
            }
            generation = 0;
            if (lo >= snap.Length || snap[lo].Start > idx)
            {
                if (_hazards) HazardReclaimer.Clear(task);   // a retry's hazard on a policy no longer there
                return null;
            }
            var pol = snap[lo].Policy;
            generation = Volatile.Read(ref pol.Generation);
            if (!takeRef) return pol;
            if (!Cache.TryTakeLookupRef(pol, task)) continue;
            if (!_hazards) return pol;
            if (ReferenceEquals(Volatile.Read(ref _published), snap))
            {
                generation = Volatile.Read(ref pol.Generation);   // protected now: the stamp of the life we hold
                return pol;
            }
        }
    }

    /// <summary>sp_lookup(): index of the first node intersecting [start, end), or -1. Caller holds the lock.</summary>
    private int FirstOverlap(ulong start, ulong end)
    {
        int lo = 0, hi = _nodes.Count - 1;
        while (lo <= hi)   // first node whose End > start; ranges are disjoint, so Ends are sorted too
        {
            int mid = (lo + hi) >>> 1;
            if (_nodes[mid].End <= start) lo = mid + 1;
            else hi = mid - 1;
        }
        return lo < _nodes.Count && _nodes[lo].Start < end ? lo : -1;
    }
}
