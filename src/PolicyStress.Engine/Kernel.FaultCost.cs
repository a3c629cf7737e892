using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Engine;

/// <summary>
/// The kernel-shaped fault costs (<see cref="FaultCostKind.Kernel"/>): what a real allocating shmem fault
/// does besides the policy lookup, each piece a method named after the kernel function it stands for
/// (mm/shmem.c and mm/filemap.c of 6.x; 2.6.23's shmem_getpage for the 2007 era). Off (isolated), none of
/// it runs: one predicted branch on a readonly field per allocating fault.
/// </summary>
/// <remarks>
/// Modelled piece by piece: the page clear, the page-cache insert under the inode's xa_lock, the
/// inode's info->lock, and in the punch i_rwsem, i_mmap and the removal. Calibrated as one lump: the rest of a
/// real fault that touches only the faulting task's own state (trap entry and exit, page-table walk and pte
/// install under the task's own pte lock, memcg charge, LRU batch, rmap), spent as
/// <see cref="KernelConfig.PrivateWorkIterations"/> iterations of a dependent arithmetic chain whose length the
/// harness derives from the real kernel's single-task fault time minus what the model already spends.
/// </remarks>
public sealed partial class Kernel
{
    /// <summary>Config.FaultCost == Kernel, cached: the fault path's one test.</summary>
    private readonly bool _kernelCosts;
    private readonly long _privateWorkIterations;

    /// <summary>
    /// The allocating fault's kernel work around the page-cache insert of <paramref name="page"/> at
    /// <paramref name="idx"/>; returns what the insert found (-1: this fault installed the page), as the
    /// bare CompareExchange of the isolated path does.
    /// </summary>
    private int KernelShapedInstall(TaskStruct task, MemObject obj, ulong idx, int page)
    {
        int cur;
        if (obj.InodeLocks is { } locks)
        {
            if (Era2007)
            {
                // 2.6.23 shmem_getpage(): info->lock again for the insert, add_to_page_cache_lru() under
                // tree_lock nested in it, info->alloced++, then unlock.
                locks.InfoLock();
                cur = ShmemAddToPageCache(obj, locks, idx, page);
                locks.InfoUnlock(cur < 0 ? 1 : 0);
            }
            else
            {
                cur = ShmemAddToPageCache(obj, locks, idx, page);
                if (cur < 0) ShmemRecalcInode(locks, 1);
            }
        }
        else cur = Interlocked.CompareExchange(ref obj.Pages[idx], page, -1);   // private anon: no page cache
        if (cur < 0)
        {
            ClearPage(task);
            FaultPrivateWork(task);
        }
        return cur;
    }

    /// <summary>
    /// 2.6.23 shmem_getpage() before the allocation: spin_lock(&amp;info->lock) around shmem_recalc_inode() and
    /// the swap-entry lookup (shmem_swp_alloc), dropped to allocate the page.
    /// </summary>
    private static void ShmemGetpage2007Lookup(ShmemInodeLocks locks)
    {
        locks.InfoLock();
        locks.InfoUnlock(0);
    }

    /// <summary>
    /// shmem_add_to_page_cache(): xas_lock_irq(&amp;xas) on mapping->i_pages, the store (EEXIST if a page is
    /// there: the caller frees its own), mapping->nrpages += 1, xas_unlock_irq. 2.6.23 add_to_page_cache():
    /// write_lock_irq(&amp;mapping->tree_lock), radix_tree_insert.
    /// </summary>
    private static int ShmemAddToPageCache(MemObject obj, ShmemInodeLocks locks, ulong idx, int page)
    {
        locks.XaLock();
        int cur = Interlocked.CompareExchange(ref obj.Pages[idx], page, -1);
        locks.XaUnlock(cur < 0 ? 1 : 0);
        return cur;
    }

    /// <summary>shmem_recalc_inode(inode, alloced, 0): spin_lock(&amp;info->lock); info->alloced += alloced; spin_unlock.</summary>
    private static void ShmemRecalcInode(ShmemInodeLocks locks, long alloced)
    {
        locks.InfoLock();
        locks.InfoUnlock(alloced);
    }

    /// <summary>
    /// clear_page() (clear_highpage of the new folio in shmem_get_folio_gfp; clear_user_highpage in
    /// do_anonymous_page): 4 KiB of zeroing, into a page-sized buffer the task owns, on lines of its own.
    /// </summary>
    private static void ClearPage(TaskStruct task) => task.PageBuffer.AsSpan(CacheLine.Size, (int)PageSize).Clear();

    /// <summary>The calibrated rest of a real fault: private work only (see the class remarks).</summary>
    private void FaultPrivateWork(TaskStruct task) =>
        task.Stats.PrivateWorkSink = PrivateWork(_privateWorkIterations, task.Stats.PrivateWorkSink);

    /// <summary>
    /// <paramref name="iterations"/> steps of a dependent multiply-add chain (a 64-bit LCG) from
    /// <paramref name="seed"/>: CPU time that touches no memory, so it costs the same on any number of tasks.
    /// Public so that the harness can time it and convert nanoseconds into iterations; the engine itself reads
    /// no clock.
    /// </summary>
    public static long PrivateWork(long iterations, long seed)
    {
        long x = seed;
        for (long i = 0; i < iterations; i++) x = unchecked(x * 6364136223846793005L + 1442695040888963407L);
        return x;
    }
}
