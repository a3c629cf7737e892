using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Engine;

/// <summary>mmap/munmap/madvise for the mappings policies apply to: anonymous private and shared.</summary>
public sealed partial class Kernel
{
    public const int MapShared = 0x01, MapPrivate = 0x02, MapFixed = 0x10, MapAnonymous = 0x20;
    public const int MadvDontneed = 4, MadvRemove = 9;

    private readonly List<MemObject> _sharedAnonObjects = new();

    /// <summary>
    /// mmap(2) of anonymous memory: MAP_PRIVATE gives anon pages (vma policy, then task policy);
    /// MAP_SHARED gives a new shmem object with its own shared policy tree, as /dev/zero mappings do.
    /// Returns the address or -errno. File mappings are out of the model's scope (EINVAL).
    /// </summary>
    public long Mmap(TaskStruct task, ulong addr, ulong len, int flags)
    {
        if ((flags & MapAnonymous) == 0) return -Errno.EINVAL;
        bool shared = (flags & (MapShared | MapPrivate)) == MapShared;
        if (!shared && (flags & (MapShared | MapPrivate)) != MapPrivate) return -Errno.EINVAL;
        if (len == 0) return -Errno.EINVAL;
        len = unchecked(len + PageSize - 1) & ~(PageSize - 1);
        if (len == 0) return -Errno.ENOMEM;
        if ((addr & (PageSize - 1)) != 0 && (flags & MapFixed) != 0) return -Errno.EINVAL;
        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        try
        {
            SyncAnonVmas(mm);
            if ((flags & MapFixed) != 0) UnmapRange(mm, addr, addr + len);
            else addr = mm.FindGap(len, PageSize);
            if (addr == 0) return -Errno.ENOMEM;
            MemObject obj;
            ulong pgoff;
            if (shared)
            {
                long ino = Config.InodeNumbers?.Invoke() ?? NextIno();   // shmem_zero_setup(): a new inode, get_next_ino()
                obj = new MemObject(len >> PageShift, shmem: true, hugeTlb: false, ino, new SharedPolicies.SharedPolicy(this));
                lock (_sharedAnonObjects) _sharedAnonObjects.Add(obj);
                pgoff = 0;
            }
            else
            {
                obj = new MemObject(len >> PageShift, shmem: false, hugeTlb: false, 0, null);
                pgoff = addr >> PageShift;   // anonymous vm_pgoff is the virtual page number
            }
            var mapping = new Mapping(obj, pgoff, readOnly: false, segment: null);
            var vma = new Vma(addr, addr + len, pgoff, shared ? VmaKind.Shmem : VmaKind.Anon, mapping);
            mm.Insert(vma);
            OpenVma(vma);
            obj.AddMapping(mapping);
            obj.Policy?.Attach(mapping);
            return (long)addr;
        }
        finally
        {
            mm.MmapLock.ExitWriteLock();
            Quiescent(task);
        }
    }

    /// <summary>munmap(2): EINVAL for an unaligned start or zero length; holes are fine.</summary>
    public int Munmap(TaskStruct task, ulong addr, ulong len)
    {
        if ((addr & (PageSize - 1)) != 0 || len == 0) return -Errno.EINVAL;
        len = unchecked(len + PageSize - 1) & ~(PageSize - 1);
        if (addr + len < addr) return -Errno.EINVAL;
        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        try
        {
            SyncAnonVmas(mm);
            UnmapRange(mm, addr, addr + len);
        }
        finally
        {
            mm.MmapLock.ExitWriteLock();
            Quiescent(task);
        }
        return 0;
    }

    /// <summary>
    /// madvise(2) MADV_DONTNEED (unmap the range's pages from this mapping; private pages are freed) and
    /// MADV_REMOVE (punch a hole in a shared object: its pages leave every mapping and are freed, so the
    /// next touch faults a new page through the policy). ENOMEM if part of the range is unmapped;
    /// EINVAL for MADV_REMOVE on private memory.
    /// </summary>
    public int Madvise(TaskStruct task, ulong start, ulong len, int advice)
    {
        if ((start & (PageSize - 1)) != 0) return -Errno.EINVAL;
        if (advice is not (MadvDontneed or MadvRemove)) return -Errno.EINVAL;
        len = unchecked(len + PageSize - 1) & ~(PageSize - 1);
        ulong end = start + len;
        if (end < start) return -Errno.EINVAL;
        if (end == start) return 0;
        var mm = task.Mm;
        int err = 0;
        mm.MmapLock.EnterReadLock();
        try
        {
            SyncAnonVmas(mm);   // the zapped pages' vmas keep their anon_vma
            ulong cursor = start;
            for (int i = mm.IndexAfter(start); i < mm.Vmas.Count && mm.Vmas[i].Start < end; i++)
            {
                var v = mm.Vmas[i];
                if (v.Start > cursor) err = -Errno.ENOMEM;
                ulong s = Math.Max(start, v.Start), e = Math.Min(end, v.End);
                var obj = v.Mapping.Object;
                ulong first = v.ObjectIndex(s), last = v.ObjectIndex(e - 1);
                if (advice == MadvRemove)
                {
                    if (!obj.IsShmem && !obj.HugeTlb) return -Errno.EINVAL;   // hugetlbfs punches holes too
                    PunchHole(obj, first, last + 1);
                }
                else
                {
                    for (ulong p = first; p <= last; p++)
                    {
                        ZapPte(v.Mapping, p);
                        if (!obj.IsShmem && !obj.HugeTlb) FreePage(obj, p);
                    }
                }
                cursor = v.End;
            }
            if (cursor < end) err = -Errno.ENOMEM;
        }
        finally
        {
            mm.MmapLock.ExitReadLock();
            Quiescent(task);
        }
        return err;
    }

    /// <summary>The last mapping of a MAP_SHARED|MAP_ANONYMOUS object is gone: evict its inode.</summary>
    private void DestroySharedAnon(MemObject obj)
    {
        lock (_sharedAnonObjects) _sharedAnonObjects.Remove(obj);
        for (ulong i = 0; i < obj.PageCount; i++) FreePage(obj, i);
        obj.Policy!.FreeAll();
    }

    /// <summary>
    /// shmem_fallocate(PUNCH_HOLE): unmap from every mapping of the object (unmap_mapping_range walks
    /// i_mmap), then free the pages (shmem_truncate_range). Under the kernel-shaped costs with the locks the
    /// kernel takes: inode_lock (i_rwsem for write) over all of it, i_mmap_lock_read over the unmap, xa_lock
    /// over the removal, then shmem_recalc_inode's info->lock (2.6.23 vmtruncate_range: i_mutex, i_mmap_lock,
    /// tree_lock, info->lock alike). One xa_lock hold stands for the kernel's per-batch holds.
    /// </summary>
    private void PunchHole(MemObject obj, ulong first, ulong end)
    {
        var locks = _kernelCosts ? obj.InodeLocks : null;
        if (locks is not null)
        {
            locks.InodeLock();
            locks.IMmapLockRead();
        }
        foreach (var m in obj.Mappings)   // copy-on-write rmap: no lock, no write unless the page is mapped
        {
            var mapped = m.Mapped;
            for (ulong p = first; p < end; p++)
                if (mapped[p] != 0) mapped[p] = 0;
        }
        if (locks is not null)
        {
            locks.IMmapUnlockRead();
            locks.XaLock();
        }
        long freed = 0;
        for (ulong p = first; p < end; p++)
            if (Volatile.Read(ref obj.Pages[p]) >= 0)
            {
                FreePage(obj, p);
                freed++;
            }
        if (locks is not null)
        {
            locks.XaUnlock(-freed);
            ShmemRecalcInode(locks, -freed);
            locks.InodeUnlock();
        }
    }
}
