using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

/// <summary>
/// The page side of mbind(): queue_pages_range() and migrate_pages(), modelled as placement only. A page
/// mapped by this mm in the range whose node is outside the user's mask is queued for migration with
/// MPOL_MF_MOVE (if no other mapping maps it) or MPOL_MF_MOVE_ALL, and counts as a failure otherwise;
/// with MPOL_MF_STRICT a failure makes mbind return EIO.
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
        out List<(Vma Vma, ulong Addr)> queued, out long failed)
    {
        failed = 0;
        queued = new List<(Vma, ulong)>();
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
                if ((flags & MpolFlags.MfMoveAll) != 0 || MapCount(obj, idx) <= 1) queued.Add((v, a));
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

    /// <summary>migrate_pages() with alloc_migration_target_by_mpol(): each page moves to the node the
    /// range's new policy picks for it.</summary>
    private void MigratePages(TaskStruct task, Mm mm, List<(Vma Vma, ulong Addr)> queued)
    {
        foreach (var (v0, addr) in queued)
        {
            var v = mm.FindVma(addr) ?? v0;
            var obj = v.Mapping.Object;
            ulong idx = v.ObjectIndex(addr);
            int old = Volatile.Read(ref obj.Pages[idx]);
            if (old < 0) continue;
            var pol = VmaPolicyAt(task, v, addr, out ulong bias, out _);
            bool referenced = pol is not null && pol.IsShared && TakesLookupRefs;
            var use = pol ?? TaskPolicy(task);
            int order = obj.PageShift - PageShift;
            ulong ilx = v.HasSharedPolicy ? bias + idx : (v.Pgoff >> order) + ((addr - v.Start) >> obj.PageShift);
            int nid = NodeSelector.Allocate(use, ilx, task, Pages, Era2007);
            if (referenced) Policies.Put(pol);
            if (nid < 0) continue;
            // try_to_migrate_one(): a dirty pte dirties the folio, and the new page inherits the folio's state.
            bool pteDirty = Array.Exists(obj.Mappings, m => m.Mapped[idx] == Mapping.PteDirty);
            // Release: under the mmap write lock no fault of this mm runs; other mms read the word with acquire.
            Volatile.Write(ref obj.Pages[idx], nid | (pteDirty ? MemObject.DirtyBit : old & MemObject.DirtyBit));
            Pages.Release(old & MemObject.NodeMask);
        }
    }
}
