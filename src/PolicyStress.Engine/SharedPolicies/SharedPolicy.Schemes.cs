using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>
/// Who owns references on tree policies, per scheme — the tree alone (lookup, lookup-2007, none) or also
/// every attached mapping (the vma-held schemes) — and what happens to a policy that leaves the tree.
/// </summary>
public sealed partial class SharedPolicy
{
    /// <summary>A node's policy left the tree (delete or teardown): drop the references the scheme says.
    /// The puts wait in <c>_unpublishedPuts</c> until the new ranges are published.</summary>
    private void Retire(Mempolicy pol)
    {
        switch (_replace)
        {
            case ReplaceRule.Park:
                _retired.Add(pol);   // nothing is freed during a run without reference counts
                return;
            case ReplaceRule.DropEveryReference:
                // Figure 3 as written: removing the policy drops the tree's and every vma's reference at once.
                foreach (var m in _attached)
                    if (m.HeldPolicies.Remove(pol)) _unpublishedPuts.Add(pol);
                break;
            case ReplaceRule.WaitForDetach:
                // Lee's list: the vmas keep their references; the policy waits for them to detach.
                if (_attached.Exists(m => m.HeldPolicies.Contains(pol)))
                {
                    _graveyard.Add(pol);
                    _kernel.Auditor.StartWaiting(pol);
                }
                break;
        }
        _unpublishedPuts.Add(pol);
    }

    private void HoldFor(Mapping m, Mempolicy pol)
    {
        if (m.HeldPolicies.Add(pol)) Cache.Get(pol);
    }

    /// <summary>A mapping of this object appears (shmat, mmap). Under the vma-held schemes it takes a
    /// reference on every policy in the tree ("add a reference ... for each vma attached").</summary>
    internal void Attach(Mapping m)
    {
        if (!VmaHeld) return;
        _lock.EnterWrite();
        _attached.Add(m);
        foreach (var n in _nodes) HoldFor(m, n.Policy);
        _lock.ExitWrite();
    }

    /// <summary>The mapping's last vma is gone (shmdt, munmap, exit): it drops the references it holds.</summary>
    internal void Detach(Mapping m)
    {
        if (!VmaHeld) return;
        _lock.EnterWrite();
        _attached.Remove(m);
        if (_literalFigure3)
        {
            // "munmap() of a vma will need to decrement the ref count of all policies in a shared policy tree":
            // whatever the tree holds now. HeldPolicies (what the attach referenced) is only the auditor's record.
            foreach (var n in _nodes.ToArray()) Cache.Put(n.Policy);
        }
        else
        {
            foreach (var p in m.HeldPolicies) Cache.Put(p);
        }
        m.HeldPolicies.Clear();
        _graveyard.RemoveWhere(p => p.Freed || !_attached.Exists(a => a.HeldPolicies.Contains(p)));
        _lock.ExitWrite();
        _kernel.Reclaim();
    }
}
