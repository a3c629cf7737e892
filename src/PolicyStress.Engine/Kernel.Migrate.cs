using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

/// <summary>
/// The page side of mbind(): queue_pages_range() and migrate_pages(), modelled as placement only. A page
/// mapped by this mm in the range whose node is outside the user's mask is queued for migration with
/// MPOL_MF_MOVE (if no other mapping maps it) or MPOL_MF_MOVE_ALL, and counts as a failure otherwise;
/// with MPOL_MF_STRICT a failure makes mbind return EIO. A queued page is named by its object, its
/// index in the object's page array and its page-cache index (folio->index, in 4 KiB pages), as an
/// isolated folio is: nothing about the vmas it was found in, which may change once the lock is dropped.
/// </summary>
public sealed partial class Kernel
{
    /// <summary>
    /// queue_pages_range(): one walk over the vmas of [start, end) in address order. Each vma is first
    /// checked for a hole before it (the first vma) or after it (queue_pages_test_walk: EFAULT unless
    /// <paramref name="discontigOk"/>), then its pages are scanned if STRICT or MOVE* asks for it: with
    /// STRICT alone the first misplaced page stops the walk with EIO — so a misplaced page before a hole
    /// wins over the hole, and a hole before a misplaced page wins over it. A range with no vma at all is
    /// EFAULT even for MPOL_DEFAULT.
    /// </summary>
    private static int QueuePages(Mm mm, ulong start, ulong end, NodeMask nodes, uint flags, bool discontigOk,
        out List<(MemObject Object, ulong Idx, ulong Index)> queued, out long failed)
    {
        failed = 0;
        queued = new List<(MemObject, ulong, ulong)>();
        bool move = (flags & (MpolFlags.MfMove | MpolFlags.MfMoveAll)) != 0;
        bool scan = move || (flags & MpolFlags.MfStrict) != 0;
        bool first = true;
        for (int i = mm.IndexAfter(start); i < mm.Vmas.Count && mm.Vmas[i].Start < end; i++)
        {
            var v = mm.Vmas[i];
            if (first)
            {
                first = false;
                if (!discontigOk && start < v.Start) return -Errno.EFAULT;   // hole at the head
            }
            var next = i + 1 < mm.Vmas.Count ? mm.Vmas[i + 1] : null;
            if (!discontigOk && v.End < end && (next is null || v.End < next.Start)) return -Errno.EFAULT;   // middle or tail
            if (!scan) continue;
            var obj = v.Mapping.Object;
            ulong step = 1UL << obj.PageShift;
            for (ulong a = Math.Max(start, v.Start); a < Math.Min(end, v.End); a += step)
            {
                ulong idx = v.ObjectIndex(a);
                int page = Volatile.Read(ref obj.Pages[idx]);
                if (v.Mapping.Mapped[idx] == 0 || page < 0 || nodes.Contains(page & MemObject.NodeMask)) continue;
                if (!move)
                {
                    failed++;   // strictly unmovable: the walk stops here
                    return -Errno.EIO;
                }
                // MOVE skips a page other mappings share (not a failure); MOVE_ALL takes it.
                if ((flags & MpolFlags.MfMoveAll) != 0 || MapCount(obj, idx) <= 1) queued.Add((obj, idx, v.PageOffset(a)));
            }
        }
        return first ? -Errno.EFAULT : 0;   // whole range in a hole
    }

    /// <summary>How many mappings of the object map page <paramref name="idx"/> (the page's mapcount).</summary>
    private static int MapCount(MemObject obj, ulong idx)
    {
        int n = 0;
        foreach (var m in obj.Mappings)
            if (m.Mapped[idx] != Mapping.PteNone) n++;
        return n;
    }

    /// <summary>
    /// page_address_in_vma() over the vmas from index <paramref name="from"/> that start below
    /// <paramref name="end"/>: the first one of <paramref name="obj"/> whose offsets hold page-cache index
    /// <paramref name="index"/>, and the page's address in it. Caller holds the mmap lock.
    /// </summary>
    private static Vma? PageAddressInVma(Mm mm, int from, ulong end, MemObject obj, ulong index, out ulong addr)
    {
        for (int i = from; i < mm.Vmas.Count && mm.Vmas[i].Start < end; i++)
        {
            var v = mm.Vmas[i];
            if (v.Mapping.Object != obj || index < v.Pgoff || index >= v.Pgoff + v.Pages) continue;
            addr = v.Start + ((index - v.Pgoff) << PageShift);
            return v;
        }
        addr = 0;
        return null;
    }

    /// <summary>
    /// do_mbind()'s interleave base, computed under the mmap lock after the policies changed: for an
    /// interleave policy, get_vma_policy()'s index at the first queued page's address in the range, less that
    /// page's own index (at that page's order), so that each page's index then adds back its own offset —
    /// "attempt to allocate on exactly the targeted nodes" (88c91dc58582). 0 for other modes.
    /// </summary>
    private ulong MigrationInterleaveBase(TaskStruct task, Mm mm, Mempolicy pol, ulong start, ulong end, (MemObject Object, ulong Idx, ulong Index) first)
    {
        if (pol.Mode is not (MempolicyMode.Interleave or MempolicyMode.WeightedInterleave)) return 0;
        var vma = PageAddressInVma(mm, mm.IndexAfter(start), end, first.Object, first.Index, out ulong addr);
        if (vma is null) return 0;
        int order = first.Object.PageShift - PageShift;
        var found = VmaPolicyAt(task, vma, addr, out ulong ilx, out _);
        var use = found ?? TaskPolicy(task);
        if (use.Mode is MempolicyMode.Interleave or MempolicyMode.WeightedInterleave)
            ilx += (vma.Pgoff >> order) + ((addr - vma.Start) >> (PageShift + order));
        if (TakesLookupRefs) Policies.DropLookupRef(found, task);   // mpol_cond_put(get_vma_policy(...))
        return ilx - (first.Index >> order);
    }

    /// <summary>
    /// migrate_pages() with alloc_migration_target_by_mpol(), run after the mmap lock is dropped
    /// (72e315f7a750 "mmap_lock is not needed while migrating folios"): every page goes to the node the mbind's
    /// own policy <paramref name="pol"/> picks for interleave index base + folio index — no per-page lookup,
    /// so no lookup references. Returns the number of pages no node had room for (nr_failed).
    /// </summary>
    private long MigratePages(TaskStruct task, Mempolicy pol, ulong ilxBase, List<(MemObject Object, ulong Idx, ulong Index)> queued)
    {
        long failed = 0;
        foreach (var (obj, idx, index) in queued)
        {
            int nid = NodeSelector.Allocate(pol, ilxBase + (index >> (obj.PageShift - PageShift)), task, Pages, era2007: false);
            if (nid < 0) failed++;
            else MovePage(obj, idx, nid);
        }
        return failed;
    }

    /// <summary>
    /// The page at <paramref name="idx"/> now lives on <paramref name="nid"/>. try_to_migrate_one(): a dirty
    /// pte dirties the folio, and the new page inherits the folio's state. A page freed or replaced since it
    /// was queued (MADV_REMOVE from another mm, munmap) is left alone and the new page given back.
    /// </summary>
    private void MovePage(MemObject obj, ulong idx, int nid)
    {
        int old = Volatile.Read(ref obj.Pages[idx]);
        bool pteDirty = Array.Exists(obj.Mappings, m => m.Mapped[idx] == Mapping.PteDirty);
        int moved = nid | (pteDirty ? MemObject.DirtyBit : old & MemObject.DirtyBit);
        // Full fence, one winner: a concurrent fault of another mm may read the word, a hole punch may free it.
        if (old < 0 || Interlocked.CompareExchange(ref obj.Pages[idx], moved, old) != old)
        {
            Pages.Release(nid);
            return;
        }
        Pages.Release(old & MemObject.NodeMask);
    }
}
