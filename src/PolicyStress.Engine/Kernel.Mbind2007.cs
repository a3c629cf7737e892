using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine;

/// <summary>
/// mbind(2) as 2.6.23 had it (sys_mbind, do_mbind, check_range, mbind_range, new_vma_page): the user's
/// mask is read and cut to mems_allowed before anything is checked, the range check knows only two kinds
/// of hole, vmas are split and never merged, and pages migrate under the mmap lock through the fault
/// path's alloc_page_vma().
/// </summary>
public sealed partial class Kernel
{
    /// <summary>
    /// sys_mbind() + do_mbind(), 2.6.23: get_nodes() first (EINVAL/EFAULT), the mask ANDed with
    /// mems_allowed, then flag bits or a mode past MPOL_MAX (EINVAL), MOVE_ALL without CAP_SYS_NICE (EPERM),
    /// unaligned start (EINVAL), wrapping range (EINVAL), empty range (0), mpol_check_policy() on the cut
    /// mask (EINVAL) — so a preferred node outside the cpuset silently means local allocation — then under
    /// the mmap lock (write) check_range(), mbind_range() and migrate_pages(), EIO for STRICT with pages
    /// that could not move.
    /// </summary>
    private int Mbind2007(TaskStruct task, ulong start, ulong len, int mode, ulong[]? nmask, ulong maxnode, uint flags)
    {
        int err = UserNodeMask.TryParse(nmask, maxnode, out var user);
        if (err != 0) return err;
        var nodes = UserNodeMask.FromNodeMask(user.Low.And(task.MemsAllowed));   // nodes_and(nodes, nodes, current->mems_allowed)
        if ((flags & ~MpolFlags.MfValid) != 0 || (uint)mode > (uint)MempolicyMode.Interleave) return -Errno.EINVAL;
        if ((flags & MpolFlags.MfMoveAll) != 0 && !task.CapSysNice) return -Errno.EPERM;
        if ((start & (PageSize - 1)) != 0) return -Errno.EINVAL;
        if (mode == (int)MempolicyMode.Default) flags &= ~MpolFlags.MfStrict;
        len = unchecked(len + PageSize - 1) & ~(PageSize - 1);
        ulong end = start + len;
        if (end < start) return -Errno.EINVAL;
        if (end == start) return 0;

        err = NewPolicy2007(task, (MempolicyMode)mode, nodes, out var newPol);
        if (err != 0) return err;
        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        try
        {
            err = CheckRange2007(mm, start, end, nodes.Low, flags, discontigOk: newPol is null, out int first, out var queued);
            if (err != 0) return err;
            err = ApplyRange(mm, start, end, newPol);
            long failed = queued.Count > 0 ? MigratePages2007(task, mm, first, end, queued) : 0;
            if (err == 0 && failed > 0 && (flags & MpolFlags.MfStrict) != 0) err = -Errno.EIO;
            return err;
        }
        finally
        {
            mm.MmapLock.ExitWriteLock();
            Policies.Put(newPol);   // mpol_free(new)
            Quiescent(task);
        }
    }

    /// <summary>
    /// check_range(), 2.6.23. EFAULT if no vma ends above <paramref name="start"/> (even for MPOL_DEFAULT);
    /// otherwise, unless <paramref name="discontigOk"/>, EFAULT only for a gap between two vmas of the range
    /// or for a range running past the mm's last vma — no head-hole check, so a range wholly in a hole below
    /// a vma, or one whose tail hole ends below the next vma, passes and changes nothing there. Non-hugetlb
    /// vmas are scanned for STRICT or MOVE*: a misplaced page is queued with MOVE_ALL or when only this
    /// mapping maps it (MOVE skips a shared page silently), and with STRICT alone stops the walk with EIO.
    /// <paramref name="first"/> is find_vma(start), where mbind_range() and new_vma_page() begin.
    /// </summary>
    private static int CheckRange2007(Mm mm, ulong start, ulong end, NodeMask nodes, uint flags, bool discontigOk,
        out int first, out List<(MemObject Object, ulong Idx, ulong Index)> queued)
    {
        queued = new List<(MemObject, ulong, ulong)>();
        first = mm.IndexAfter(start);
        if (first >= mm.Vmas.Count) return -Errno.EFAULT;
        bool move = (flags & (MpolFlags.MfMove | MpolFlags.MfMoveAll)) != 0;
        for (int i = first; i < mm.Vmas.Count && mm.Vmas[i].Start < end; i++)
        {
            var v = mm.Vmas[i];
            if (!discontigOk)
            {
                if (i + 1 == mm.Vmas.Count && v.End < end) return -Errno.EFAULT;      // !vma->vm_next && vma->vm_end < end
                if (i > first && mm.Vmas[i - 1].End < v.Start) return -Errno.EFAULT;  // prev->vm_end < vma->vm_start
            }
            if (v.Kind == VmaKind.SysvHugetlb || (!move && (flags & MpolFlags.MfStrict) == 0)) continue;
            var obj = v.Mapping.Object;
            for (ulong a = Math.Max(start, v.Start); a < Math.Min(end, v.End); a += PageSize)
            {
                ulong idx = v.ObjectIndex(a);
                int page = Volatile.Read(ref obj.Pages[idx]);
                if (v.Mapping.Mapped[idx] == 0 || page < 0 || nodes.Contains(page & MemObject.NodeMask)) continue;
                if (!move) return -Errno.EIO;
                if ((flags & MpolFlags.MfMoveAll) != 0 || MapCount(obj, idx) == 1) queued.Add((obj, idx, v.PageOffset(a)));
            }
        }
        return 0;
    }

    /// <summary>
    /// migrate_pages() with new_vma_page(), 2.6.23, still under the mmap lock: each page's new home comes from
    /// alloc_page_vma() at its address in the first vma from find_vma(start) that maps it — the fault path's
    /// get_vma_policy() and unref rules, so a shmem page's lookup reference leaks with bug 2a and a NULL
    /// lookup falls back to default_policy. Returns the pages no node had room for.
    /// </summary>
    private long MigratePages2007(TaskStruct task, Mm mm, int first, ulong end, List<(MemObject Object, ulong Idx, ulong Index)> queued)
    {
        long failed = 0;
        foreach (var (obj, idx, index) in queued)
        {
            var vma = PageAddressInVma(mm, first, end, obj, index, out ulong addr);
            int nid = vma is null ? AllocTaskPage2007(task) : AllocPageVma2007(task, vma, null, vma.Pgoff, vma.Start, addr);
            if (nid < 0) failed++;
            else MovePage(obj, idx, nid);
        }
        return failed;
    }

    /// <summary>alloc_page_vma() with no vma: "alloc_page_vma() will use task or system default policy".</summary>
    private int AllocTaskPage2007(TaskStruct task) =>
        NodeSelector.Allocate(TaskPolicy(task), NodeSelector.NoInterleaveIndex, task, Pages, era2007: true);
}
