using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine;

/// <summary>
/// The 2.6.23 allocation paths (480eccf9ae10 "Fix NUMA Memory Policy Reference Counting"), with the bugs
/// of Lee's 30 Oct 2007 mail as switches. The rule of that kernel: get_vma_policy() returns a policy with
/// an extra reference unless it is default_policy or current->mempolicy, or it came from a get_policy
/// vm_op (which is trusted to have taken one); allocators drop it "if pol != &amp;default_policy &amp;&amp;
/// pol != current->mempolicy". Which policies are shared is known from the vma, never from a flag: 2.6.23
/// had no MPOL_F_SHARED (it came with 2.6.26), so nothing here reads <see cref="Mempolicy.IsShared"/>.
/// </summary>
public sealed partial class Kernel
{
    private bool Bug(Bugs2007 b) => (Config.Bugs & b) != 0;

    private int AllocPage2007(TaskStruct task, Vma vma, ulong addr, ulong idx)
    {
        return vma.Kind switch
        {
            VmaKind.SysvHugetlb => AllocHugePage2007(task, vma, addr),
            VmaKind.Shmem or VmaKind.SysvShm => AllocShmemPage2007(task, vma.Mapping.Object, idx),
            _ => AllocPageVma2007(task, vma, null, vma.Pgoff, vma.Start, addr),
        };
    }

    /// <summary>
    /// get_vma_policy(task, vma, addr), 2.6.23. <paramref name="task"/>'s policy is loaded first — with bug 1
    /// another task may be freeing it right now — then overridden by the vma's get_policy op, whose result
    /// (NULL included: the fallback to default_policy, not to the task) is trusted to carry its own
    /// reference, or by a vma policy other than MPOL_DEFAULT. A vma policy or another task's policy gets a
    /// reference here. <paramref name="vma"/> null is shmem_alloc_page()'s pseudo-vma: no vm_ops, its
    /// vm_policy <paramref name="pseudoPolicy"/>.
    /// </summary>
    private Mempolicy GetVmaPolicy2007(TaskStruct task, TaskStruct current, Vma? vma, Mempolicy? pseudoPolicy, ulong addr)
    {
        Mempolicy? pol = task.Policy;
        bool sharedPol = false;
        Mempolicy? vmPolicy = vma is null ? pseudoPolicy : vma.VmPolicy;
        if (vma is { HasGetPolicyOp: true })
        {
            pol = GetPolicyOp2007(current, vma, addr, out bool opRef);
            sharedPol = true;
            // vma-held-2007: the op's tree policy carries no reference, but every caller of get_vma_policy drops
            // one; take it now, after the lookup (the window of Lee's 6 Nov 2007 retraction).
            if (!opRef && !TakesLookupRefs && pol is not null && vma.HasSharedPolicy)
            {
                Policies.Get(pol);
                current.Stats.RefAtomics++;
            }
        }
        else if (vmPolicy is { Mode: not MempolicyMode.Default })
        {
            pol = vmPolicy;
        }
        if (pol is null) return DefaultPolicy;
        if (!sharedPol && pol != current.Policy)
        {
            Policies.Get(pol);   // "vma or other task's policy"
            current.Stats.RefAtomics++;
        }
        return pol;
    }

    /// <summary>
    /// The vma's get_policy op, 2.6.23: shmem_get_policy() — a tree lookup at the page offset, with a
    /// reference — or, for SysV shm over hugetlbfs, shm_get_policy()'s own answer: the vma policy, which it
    /// returns without the reference its callers expect (bug 3; Lee's fix takes one), else the CALLER's task
    /// policy, unreferenced. <paramref name="referenced"/> says whether the result carries a reference.
    /// </summary>
    private Mempolicy? GetPolicyOp2007(TaskStruct current, Vma vma, ulong addr, out bool referenced)
    {
        if (vma.HasSharedPolicy)
        {
            // vma-held-2007 (Figure 3): the lookup takes no reference, the vmas' are trusted instead.
            var pol = vma.Mapping.Object.Policy!.Lookup(vma.PageOffset(addr), current, TakesLookupRefs, out _);
            referenced = pol is not null && TakesLookupRefs;
            if (referenced) current.Stats.RefAtomics++;
            return pol;
        }
        referenced = false;
        if (vma.VmPolicy is not { } vp) return current.Policy;
        if (!Bug(Bugs2007.ShmHugetlbNoref))   // Lee's fix: "get_vma_policy() expects this"
        {
            Policies.Get(vp);
            current.Stats.RefAtomics++;
            referenced = true;
        }
        return vp;
    }

    /// <summary>The unref rule of get_vma_policy()'s callers: everything but default_policy and current's own.</summary>
    private bool Counted2007(Mempolicy pol, TaskStruct current) => pol != DefaultPolicy && pol != current.Policy;

    /// <summary>
    /// shmem_alloc_page(): a pseudo-vma (vm_start 0, vm_pgoff = index, no vm_ops) carrying the tree's
    /// policy with the lookup's reference; alloc_page_vma() on it; then mpol_free() of that reference.
    /// </summary>
    private int AllocShmemPage2007(TaskStruct task, MemObject obj, ulong idx)
    {
        var pvmaPolicy = obj.Policy!.Lookup(idx, task, TakesLookupRefs, out _);   // vma-held-2007: none taken
        if (pvmaPolicy is not null)
        {
            if (TakesLookupRefs) task.Stats.RefAtomics++;
            // vma-held-2007: from the unreferenced lookup to get_vma_policy()'s mpol_get on the pseudo-vma, only
            // the vmas' references keep the policy alive — the window a replace by another task can free it in.
            else PausePoint?.Invoke(task, pvmaPolicy);
        }
        int nid = AllocPageVma2007(task, null, pvmaPolicy, idx, 0, 0);
        if (pvmaPolicy is not null && TakesLookupRefs)
        {
            Policies.Put(pvmaPolicy);
            task.Stats.RefAtomics++;
        }
        return nid;
    }

    /// <summary>
    /// alloc_page_vma(gfp, vma, addr), 2.6.23, for a fault (anonymous vma, or shmem's pseudo-vma) or a
    /// migration target (new_vma_page, any vma of the range): get_vma_policy(), then interleave from the
    /// object offset (vm_pgoff + page within the vma) or the policy's zonelist, then the unref.
    /// </summary>
    private int AllocPageVma2007(TaskStruct task, Vma? vma, Mempolicy? pseudoPolicy, ulong pgoff, ulong start, ulong addr)
    {
        var pol = GetVmaPolicy2007(task, task, vma, pseudoPolicy, addr);
        int gen = Volatile.Read(ref pol.Generation);
        if (pol.Freed) Policies.Touch(pol);
        PausePoint?.Invoke(task, pol);

        bool counted = Counted2007(pol, task);
        ulong off = pgoff + ((addr - start) >> PageShift);   // interleave_nid(pol, vma, addr, PAGE_SHIFT)
        // Bug 2a: the interleave branch returned without this unref.
        return Alloc2007(task, pol, gen, off, unrefInterleave: counted && !Bug(Bugs2007.InterleaveLeak), counted);
    }

    /// <summary>
    /// huge_zonelist() for a SHM_HUGETLB vma: shm_vm_ops has get_policy, so get_vma_policy() calls
    /// shm_get_policy() and trusts its reference — which it never took for the vma policy (bug 3). The
    /// interleave branch then drops a reference unconditionally (bug 2b), even on current->mempolicy.
    /// </summary>
    private int AllocHugePage2007(TaskStruct task, Vma vma, ulong addr)
    {
        var pol = GetVmaPolicy2007(task, task, vma, null, addr);
        int gen = Volatile.Read(ref pol.Generation);
        if (pol.Freed) Policies.Touch(pol);
        PausePoint?.Invoke(task, pol);

        bool counted = Counted2007(pol, task);
        ulong off = (vma.Pgoff >> (HugePageShift - PageShift)) + ((addr - vma.Start) >> HugePageShift);
        // Bug 2b: __mpol_free(pol) with no condition. For bind the kernel drops the reference after
        // dequeue_huge_page rather than at once: the same count.
        return Alloc2007(task, pol, gen, off, unrefInterleave: counted || Bug(Bugs2007.HugeInterleavePut), counted);
    }

    /// <summary>
    /// The common end of alloc_page_vma() and huge_zonelist(): an interleave policy starts at the node of
    /// the object offset, others walk their zonelist; then the unref the caller's rule asks for.
    /// </summary>
    private int Alloc2007(TaskStruct task, Mempolicy pol, int gen, ulong off, bool unrefInterleave, bool counted)
    {
        bool interleave = pol.Mode == MempolicyMode.Interleave;
        int nid = interleave
            ? Pages.AllocFrom(NodeSelector.InterleaveNid(pol, off, task.LocalNode), task.MemsAllowed)
            : NodeSelector.Allocate(pol, NodeSelector.NoInterleaveIndex, task, Pages, era2007: true);
        Policies.CheckUse(pol, gen);
        if (interleave ? unrefInterleave : counted)
        {
            Policies.Put(pol);
            task.Stats.RefAtomics++;
        }
        return nid;
    }
}
