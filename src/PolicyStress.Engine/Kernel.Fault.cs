using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine;

public sealed partial class Kernel
{
    /// <summary>
    /// Test hook: called between a policy lookup and its use, with the policy in hand and no tree lock
    /// held — the window of the Figure 3 race. Null in benchmarks (one predictable branch).
    /// </summary>
    internal Action<TaskStruct, Mempolicy>? PausePoint;

    /// <summary>Tree lookups take a reference (the scheme's <see cref="Refcounting.Schemes.SchemeDefinition.FaultRef"/>), cached at construction.</summary>
    private readonly bool TakesLookupRefs;

    /// <summary>The lookup reference is a locked add on the policy's shared count (lookup, rcuref); cached.</summary>
    private readonly bool RefsAreSharedAtomics;

    /// <summary>
    /// A page fault by <paramref name="task"/> at <paramref name="addr"/>: under the mmap lock (read), find
    /// the vma; if its page is absent, allocate it by policy and account it to the chosen node; map it.
    /// Returns the node of the page, -EFAULT for an address no vma covers, -EACCES for a write to a
    /// read-only attach, -ENOMEM when the policy allows no node with free memory. Allocates nothing on
    /// the managed heap.
    /// </summary>
    public int Fault(TaskStruct task, ulong addr, bool write = true)
    {
        var mm = task.Mm;
        int result;
        if (mm.PerVma && FaultUnderVmaLock(task, addr, write, out result)) return result;
        mm.MmapLock.EnterReadLock();
        try
        {
            var vma = mm.FindVma(addr);
            if (vma is null) result = -Errno.EFAULT;
            else if (write && vma.Mapping.ReadOnly) result = -Errno.EACCES;
            else result = FaultIn(task, vma, addr, write);
        }
        finally
        {
            mm.MmapLock.ExitReadLock();
        }
        Quiescent(task);
        return result;
    }

    /// <summary>
    /// The access itself. An absent page is allocated by policy and installed (page cache insert); a page
    /// this mapping does not map yet is mapped (a minor fault; a write fault also dirties the folio); a page
    /// it maps already takes no fault at all — a write through a writable clean pte only sets the pte's
    /// dirty bit, which numa_maps counts for this mapping alone (<see cref="Mapping.PteDirty"/>). Two read
    /// faults differ: private anonymous memory maps the shared zero page (do_anonymous_page), and a
    /// MAP_SHARED|MAP_ANONYMOUS mapping maps its cached neighbours too (do_fault_around).
    /// </summary>
    private int FaultIn(TaskStruct task, Vma vma, ulong addr, bool write)
    {
        var mapping = vma.Mapping;
        var obj = mapping.Object;
        ulong idx = vma.ObjectIndex(addr);
        byte pte = write ? Mapping.PteDirty : Mapping.PteClean;
        int cur = Volatile.Read(ref obj.Pages[idx]);   // acquire: pairs with the installer's CAS below
        if (!write)
        {
            if (cur < 0 && vma.Kind == VmaKind.Anon)
            {
                if (Config.ZeroPage)
                {
                    // No allocation and no policy: the zero page is mapped read-only; the first write copies it.
                    mapping.Mapped[idx] = Mapping.PteZero;
                    return ZeroPageNode;
                }
                // No zero page: do_anonymous_page allocates and maps the new page writable and dirty (VM_WRITE).
                write = !mapping.ReadOnly;
                pte = write ? Mapping.PteDirty : Mapping.PteClean;
            }
            // Only a real fault faults around: a page this mapping maps already takes no fault at all.
            if (vma.Kind == VmaKind.Shmem && mapping.Mapped[idx] == Mapping.PteNone) FaultAround(vma, addr, idx);
        }
        if (cur < 0)
        {
            if (_kernelCosts && Era2007 && obj.InodeLocks is { } locks2007) ShmemGetpage2007Lookup(locks2007);
            int nid = Era2007 ? AllocPage2007(task, vma, addr, idx) : AllocPage(task, vma, addr, idx);
            if (nid < 0) return nid;
            int page = nid | (write ? MemObject.DirtyBit : 0);
            // Install the page unless another task (another mm mapping the same segment) did meanwhile,
            // as the page cache insert would; the loser frees its page and maps the winner's. The
            // kernel-shaped costs wrap it in the kernel's locks and add the rest of a fault (Kernel.FaultCost.cs).
            cur = _kernelCosts && !obj.HugeTlb
                ? KernelShapedInstall(task, obj, idx, page)
                : Interlocked.CompareExchange(ref obj.Pages[idx], page, -1);   // full fence: one installer wins
            if (cur < 0)
            {
                task.Stats.Allocations++;
                mapping.Mapped[idx] = pte;
                return nid;
            }
            Pages.Release(nid);
        }
        byte mapped = mapping.Mapped[idx];
        if (mapped == 0)
        {
            task.Stats.MinorFaults++;
            // Interlocked: the page word may be changing under another mapping's fault; only atomicity matters.
            if (write && (cur & MemObject.DirtyBit) == 0) Interlocked.Or(ref obj.Pages[idx], MemObject.DirtyBit);
            mapping.Mapped[idx] = pte;
        }
        else if (write && mapped != Mapping.PteDirty)
        {
            mapping.Mapped[idx] = Mapping.PteDirty;   // no fault: the MMU sets the dirty bit of the pte
        }
        return cur & MemObject.NodeMask;
    }

    /// <summary>The node of empty_zero_page, which lives in the kernel image: the first node with memory.</summary>
    private int ZeroPageNode => Topology.MemoryNodes.First;

    /// <summary>
    /// do_fault_around() with filemap_map_pages(): a read fault maps every cached page of the
    /// fault_around_bytes (64 KiB) window around <paramref name="addr"/>, aligned in the address space and
    /// clipped to the vma, with clean ptes. SysV shm vmas have no map_pages (shm_vm_ops) and fault one page.
    /// The faulting page itself is left to the caller.
    /// </summary>
    private static void FaultAround(Vma vma, ulong addr, ulong idx)
    {
        const ulong window = 16 * PageSize;
        ulong from = Math.Max(vma.Start, addr & ~(window - 1));
        ulong to = Math.Min(vma.End, (addr & ~(window - 1)) + window);
        var mapping = vma.Mapping;
        var pages = mapping.Object.Pages;
        for (ulong a = from; a < to; a += PageSize)
        {
            ulong i = vma.ObjectIndex(a);
            if (i != idx && mapping.Mapped[i] == Mapping.PteNone && Volatile.Read(ref pages[i]) >= 0)
                mapping.Mapped[i] = Mapping.PteClean;
        }
    }

    /// <summary>
    /// The modern allocation path. shmem (shmem_alloc_folio → shmem_get_pgoff_policy): the inode's tree
    /// at the page index, else the task policy, interleave index i_ino + index. Others (vma_alloc_folio →
    /// get_vma_policy): the vma policy, else the task policy, interleave index from vm_pgoff and the offset.
    /// Then alloc_pages_mpol() and mpol_cond_put().
    /// </summary>
    private int AllocPage(TaskStruct task, Vma vma, ulong addr, ulong idx)
    {
        var obj = vma.Mapping.Object;
        Mempolicy? pol = null;
        int gen = 0;
        ulong ilx;
        bool referenced = false;
        if (vma.HasSharedPolicy)
        {
            referenced = TakesLookupRefs;
            pol = obj.Policy!.Lookup(idx, task, referenced, out gen);
            if (pol is not null && RefsAreSharedAtomics) task.Stats.RefAtomics++;
            ilx = (ulong)obj.Ino + idx;
        }
        else
        {
            pol = vma.VmPolicy;
            int order = obj.PageShift - PageShift;
            ilx = (vma.Pgoff >> order) + ((addr - vma.Start) >> obj.PageShift);
        }
        if (pol is null)
        {
            pol = TaskPolicy(task);
            referenced = false;
        }
        if (gen == 0) gen = Volatile.Read(ref pol.Generation);   // task/vma policy: stable under our locks; stamp it anyway
        PausePoint?.Invoke(task, pol);

        int nid = NodeSelector.Allocate(pol, ilx, task, Pages, era2007: false);
        Policies.CheckUse(pol, gen);
        if (referenced && pol.IsShared)
        {
            Policies.DropLookupRef(pol, task);   // mpol_cond_put(), by the scheme
            if (RefsAreSharedAtomics) task.Stats.RefAtomics++;
        }
        return nid;
    }

    /// <summary>
    /// A vma-less allocation (alloc_pages() for the task itself: slab, page tables, kernel buffers): the
    /// task policy with no interleave index, so interleave is the task's round robin (il_prev).
    /// </summary>
    public int AllocTaskPage(TaskStruct task)
    {
        var pol = TaskPolicy(task);
        int nid = NodeSelector.Allocate(pol, NodeSelector.NoInterleaveIndex, task, Pages, Era2007);
        if (nid >= 0) Pages.Release(nid);   // only the placement is of interest; the page is freed at once
        Quiescent(task);
        return nid;
    }

    /// <summary>
    /// __get_vma_policy(): the policy the vma itself provides at <paramref name="addr"/> (shared tree for
    /// shmem, vma policy otherwise), no task fallback. A shared-tree result carries a reference when the
    /// scheme takes lookup references; the caller then drops it with <see cref="PolicyCache.DropLookupRef"/>.
    /// </summary>
    internal Mempolicy? VmaPolicyAt(TaskStruct task, Vma vma, ulong addr, out ulong ilx, out int gen)
    {
        gen = 0;
        var obj = vma.Mapping.Object;
        if (vma.HasSharedPolicy)
        {
            ilx = (ulong)obj.Ino;
            return obj.Policy!.Lookup(vma.PageOffset(addr), task, TakesLookupRefs, out gen);
        }
        ilx = 0;
        return vma.VmPolicy;
    }
}
