using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

public sealed partial class Kernel
{
    /// <summary>
    /// mbind(2), as do_mbind() orders its checks: flag bits (EINVAL), MOVE_ALL without CAP_SYS_NICE (EPERM),
    /// unaligned start (EINVAL), wrapping range (EINVAL), empty range (0), mode and mask (EINVAL), then under
    /// the mmap lock (write): one address-ordered walk for holes (EFAULT unless MPOL_DEFAULT; a range with
    /// no vma at all is EFAULT always) and, with STRICT alone, misplaced pages (EIO, before any change);
    /// then vma split/merge and policy replacement; then, with the mmap lock dropped, migration, and EIO for
    /// STRICT with MOVE* failures. (2.6.23's order is in Kernel.Mbind2007.cs.)
    /// </summary>
    public int Mbind(TaskStruct task, ulong start, ulong len, int mode, ulong[]? nmask, ulong maxnode, uint flags)
    {
        if (Era2007) return Mbind2007(task, start, len, mode, nmask, maxnode, flags);
        int err = SanitizeModeFlags(mode, out var m, out var mflags);
        if (err != 0) return err;
        err = UserNodeMask.TryParse(nmask, maxnode, out var nodes);
        if (err != 0) return err;

        if ((flags & ~MpolFlags.MfValid) != 0) return -Errno.EINVAL;
        if ((flags & MpolFlags.MfMoveAll) != 0 && !task.CapSysNice) return -Errno.EPERM;
        if ((start & (PageSize - 1)) != 0) return -Errno.EINVAL;
        if (m == MempolicyMode.Default) flags &= ~MpolFlags.MfStrict;
        len = unchecked(len + PageSize - 1) & ~(PageSize - 1);   // PAGE_ALIGN: a huge len wraps to 0, a no-op
        ulong end = start + len;
        if (end < start) return -Errno.EINVAL;
        if (end == start) return 0;

        err = NewPolicy(task, m, mflags, nodes, out var newPol);
        if (err != 0) return err;
        bool discontigOk = newPol is null;

        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        bool locked = true;
        try
        {
            SyncAnonVmas(mm);
            VmaStartWriteRange(mm, start, end);   // queue_pages_range(MPOL_MF_WRLOCK): every vma in the range
            err = QueuePages(mm, start, end, nodes.Low, flags, discontigOk, out var queued, out long failed);
            if (err != 0) return err;
            err = ApplyRange(mm, start, end, newPol);
            if (err == 0 && queued.Count > 0)
            {
                if (newPol is null)
                {
                    newPol = TaskPolicy(task);   // MPOL_DEFAULT's NULL becomes the task or default policy...
                    Policies.Get(newPol);        // ...referenced until the mpol_put() below
                }
                ulong ilxBase = MigrationInterleaveBase(task, mm, newPol, start, end, queued[0]);
                mm.MmapLock.ExitWriteLock();
                locked = false;
                failed += MigratePages(task, newPol, ilxBase, queued);
            }
            if (err == 0 && failed > 0 && (flags & MpolFlags.MfStrict) != 0) err = -Errno.EIO;
            return err;
        }
        finally
        {
            if (locked) mm.MmapLock.ExitWriteLock();
            Policies.Put(newPol);   // the creator's reference
            Quiescent(task);
        }
    }

    /// <summary>The mbind_range() loop of do_mbind(): every vma that [start, end) reaches, in address order.</summary>
    private int ApplyRange(Mm mm, ulong start, ulong end, Mempolicy? pol)
    {
        int i = mm.IndexAfter(start);
        Vma? prev = i > 0 ? mm.Vmas[i - 1] : null;
        ulong cursor = start;
        while (cursor < end)
        {
            i = mm.IndexAfter(cursor);
            if (i >= mm.Vmas.Count || mm.Vmas[i].Start >= end) break;
            int err = MbindRange(mm, mm.Vmas[i], ref prev, start, end, pol);
            if (err != 0) return err;
            cursor = prev!.End;
        }
        return 0;
    }

    /// <summary>
    /// mbind_range(): apply <paramref name="pol"/> to the part of <paramref name="vma"/> inside [start, end),
    /// skipping a vma whose policy is already equal (mpol_equal — which leaves a shared tree untouched),
    /// merging with a neighbour or splitting at the range edges, then vma_replace_policy().
    /// </summary>
    private int MbindRange(Mm mm, Vma vma, ref Vma? prev, ulong start, ulong end, Mempolicy? pol)
    {
        ulong vmend = Math.Min(end, vma.End);
        ulong vmstart;
        if (start > vma.Start)
        {
            prev = vma;
            vmstart = start;
        }
        else
        {
            vmstart = vma.Start;
        }
        if (!Era2007 && MpolEqual(vma.VmPolicy, pol))   // 2.6.23 had neither this shortcut nor merging
        {
            prev = vma;
            return 0;
        }
        vma = VmaModifyPolicy(mm, prev, vma, vmstart, vmend, pol);
        prev = vma;
        return VmaReplacePolicy(mm, vma, pol);
    }

    /// <summary>
    /// vma_replace_policy(): the vma gets its own copy (mpol_dup; in 2007 a reference on the same object,
    /// policy_vma()); a shmem vma first installs it in the shared tree over its whole [vm_pgoff, +pages).
    /// </summary>
    private int VmaReplacePolicy(Mm mm, Vma vma, Mempolicy? pol)
    {
        Mempolicy? np;
        if (Era2007)
        {
            np = pol;
            Policies.Get(np);
        }
        else
        {
            np = Policies.Dup(pol);
        }
        if (vma.HasSharedPolicy)
        {
            int err = vma.Mapping.Object.Policy!.SetPolicy(vma.Pgoff, vma.Pgoff + vma.Pages, np);
            if (err != 0)
            {
                Policies.Put(np);
                return err;
            }
        }
        var old = vma.VmPolicy;
        VmaStartWrite(mm, vma);   // vma_replace_policy(): vma_assert_write_locked (6c21e066f925)
        vma.VmPolicy = np;
        Policies.Put(old);
        return 0;
    }

    /// <summary>mpol_equal(): same mode, flags, home node, and nodes (user nodes for static/relative).</summary>
    internal static bool MpolEqual(Mempolicy? a, Mempolicy? b)
    {
        if (a is null || b is null) return a == b;
        if (a.Mode != b.Mode || a.Flags != b.Flags || a.HomeNode != b.HomeNode) return false;
        if (a.StoresUserNodemask && !Equals(a.UserNodemask, b.UserNodemask)) return false;
        return a.Mode == MempolicyMode.Local || a.Nodes == b.Nodes;
    }
}
