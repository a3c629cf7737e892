using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine;

/// <summary>
/// The 2.6.23 allocation paths (480eccf9ae10 "Fix NUMA Memory Policy Reference Counting"), with the bugs
/// of Lee's 30 Oct 2007 mail as switches. The rule of that kernel: get_vma_policy() returns a policy with
/// an extra reference unless it is default_policy or current->mempolicy, or it came from a get_policy
/// vm_op (which is trusted to have taken one); allocators drop it "if pol != &amp;default_policy &amp;&amp;
/// pol != current->mempolicy".
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
            _ => AllocPageVma2007(task, vma.VmPolicy, vma.Pgoff, vma.Start, addr, 12),
        };
    }

    /// <summary>
    /// shmem_alloc_page(): a pseudo-vma (vm_start 0, vm_pgoff = index, no vm_ops) carrying the tree's
    /// policy with the lookup's reference; alloc_page_vma() on it; then mpol_free() of that reference.
    /// </summary>
    private int AllocShmemPage2007(TaskStruct task, MemObject obj, ulong idx)
    {
        var pvmaPolicy = obj.Policy!.Lookup(idx, task.Cpu, takeRef: true, out _);
        if (pvmaPolicy is not null) task.Stats.RefAtomics++;
        int nid = AllocPageVma2007(task, pvmaPolicy, idx, 0, 0, 12);
        if (pvmaPolicy is not null)
        {
            Policies.Put(pvmaPolicy);
            task.Stats.RefAtomics++;
        }
        return nid;
    }

    /// <summary>alloc_page_vma() for a vma without vm_ops (anonymous memory or shmem's pseudo-vma).</summary>
    private int AllocPageVma2007(TaskStruct task, Mempolicy? vmPolicy, ulong pgoff, ulong start, ulong addr, int shift)
    {
        // get_vma_policy(current, vma, addr): a vma policy other than MPOL_DEFAULT wins and gets a reference.
        var current = task.Policy;
        Mempolicy pol = vmPolicy is not null && vmPolicy.Mode != MempolicyMode.Default ? vmPolicy : current ?? DefaultPolicy;
        bool counted = pol != DefaultPolicy && pol != current;
        if (counted)
        {
            Policies.Get(pol);
            task.Stats.RefAtomics++;
        }
        int gen = Volatile.Read(ref pol.Generation);
        if (pol.Freed) Policies.Touch(pol);
        PausePoint?.Invoke(task, pol);

        ulong off = (pgoff >> (shift - PageShift)) + ((addr - start) >> shift);   // interleave_nid(); pseudo-vma: the page index
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
        var current = task.Policy;
        Mempolicy? got;
        if (vma.VmPolicy is { } vp)
        {
            got = vp;
            if (!Bug(Bugs2007.ShmHugetlbNoref))   // Lee's fix: "get_vma_policy() expects this"
            {
                Policies.Get(vp);
                task.Stats.RefAtomics++;
            }
        }
        else
        {
            got = current;   // shm_get_policy's fallback: current->mempolicy, no reference
        }
        Mempolicy pol = got ?? DefaultPolicy;   // NULL from get_policy: default_policy (the fallback bug)
        int gen = Volatile.Read(ref pol.Generation);
        if (pol.Freed) Policies.Touch(pol);
        PausePoint?.Invoke(task, pol);

        bool counted = pol != DefaultPolicy && pol != current;
        ulong off = (vma.Pgoff >> 9) + ((addr - vma.Start) >> 21);
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
            ? Pages.AllocFrom(NodeSelector.InterleaveNid(pol, off, task.LocalNode), null)
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
