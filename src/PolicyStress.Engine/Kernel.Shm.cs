using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.SharedPolicies;

namespace PolicyStress.Engine;

/// <summary>ipc/shm.c: segments over shmem (with a shared policy tree) or hugetlbfs (without).</summary>
public sealed partial class Kernel
{
    private readonly Lock _shmLock = new();
    private readonly Dictionary<int, ShmSegment> _segments = new();
    private int _shmSeq;
    private long _hugePagesUsed;

    /// <summary>The segments alive now (for figures and audits).</summary>
    public IReadOnlyList<ShmSegment> Segments { get { lock (_shmLock) return _segments.Values.ToList(); } }

    public ShmSegment? Segment(int shmid) { lock (_shmLock) return _segments.GetValueOrDefault(shmid); }

    /// <summary>
    /// shmget(2): find the segment of <paramref name="key"/> (EEXIST with IPC_CREAT|IPC_EXCL, EINVAL if
    /// it is smaller than <paramref name="size"/>, ENOENT without IPC_CREAT) or create one (EINVAL for a
    /// size of 0 or above SHMMAX, ENOSPC past SHMMNI, ENOMEM when SHM_HUGETLB finds too few huge pages).
    /// </summary>
    public int Shmget(TaskStruct task, int key, ulong size, int shmflg)
    {
        lock (_shmLock)
        {
            if (key != ShmFlags.IpcPrivate)
            {
                foreach (var s in _segments.Values)
                {
                    if (s.Key != key) continue;
                    if ((shmflg & ShmFlags.IpcCreat) != 0 && (shmflg & ShmFlags.IpcExcl) != 0) return -Errno.EEXIST;
                    if (s.Size < size) return -Errno.EINVAL;
                    return s.Id;
                }
                if ((shmflg & ShmFlags.IpcCreat) == 0) return -Errno.ENOENT;
            }
            if (size < 1 || size > Config.ShmMax) return -Errno.EINVAL;
            if (_segments.Count >= Config.ShmMni) return -Errno.ENOSPC;
            bool huge = (shmflg & ShmFlags.ShmHugetlb) != 0;
            ulong pageSize = huge ? ShmFlags.HugePageSize : PageSize;
            ulong pages = (size + pageSize - 1) / pageSize;
            if (huge)
            {
                if (_hugePagesUsed + (long)pages > Config.HugePages) return -Errno.ENOMEM;
                _hugePagesUsed += (long)pages;
            }
            int idx = 0;
            while (_segments.Values.Any(s => (s.Id & 0x7FFF) == idx)) idx++;
            int id = (++_shmSeq << 15) | idx;   // ipc_buildid(): sequence in the high bits
            // newseg(): "shmid gets reported as inode# in /proc/pid/maps": i_ino = shm_perm.id.
            long ino = Config.InodeNumbers?.Invoke() ?? id;
            var obj = new MemObject(pages, shmem: !huge, hugeTlb: huge, ino, huge ? null : new SharedPolicy(this));
            _segments[id] = new ShmSegment(id, key, size, obj) { FileName = $"/SYSV{key:x8}" };
            return id;
        }
    }

    /// <summary>
    /// shmat(2): map the whole segment (always the whole of it) at a free address or at
    /// <paramref name="shmaddr"/> (rounded with SHM_RND; EINVAL if unaligned or occupied without SHM_REMAP).
    /// Returns the address or -errno. The new vma has no policy of its own.
    /// </summary>
    public long Shmat(TaskStruct task, int shmid, ulong shmaddr, int shmflg)
    {
        var seg = Segment(shmid);
        if (seg is null || seg.Dead) return -Errno.EINVAL;
        ulong size = seg.MappedBytes;
        ulong align = seg.HugeTlb ? ShmFlags.HugePageSize : PageSize;
        ulong addr = shmaddr;
        if ((addr & (PageSize - 1)) != 0)
        {
            if ((shmflg & ShmFlags.ShmRnd) == 0) return -Errno.EINVAL;
            addr &= ~(PageSize - 1);
        }
        if (addr != 0 && (addr & (align - 1)) != 0) return -Errno.EINVAL;   // hugetlb: 2 MiB alignment
        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        try
        {
            if (addr != 0)
            {
                if (addr + size < addr || addr + size > Mm.MmapBase << 1) return -Errno.EINVAL;
                if (mm.Intersects(addr, addr + size))
                {
                    if ((shmflg & ShmFlags.ShmRemap) == 0) return -Errno.EINVAL;
                    UnmapRange(mm, addr, addr + size);
                }
            }
            else
            {
                addr = mm.FindGap(size, align);
                if (addr == 0) return -Errno.ENOMEM;
            }
            var mapping = new Mapping(seg.Object, 0, (shmflg & ShmFlags.ShmRdonly) != 0, seg);
            var vma = new Vma(addr, addr + size, 0, seg.HugeTlb ? VmaKind.SysvHugetlb : VmaKind.SysvShm, mapping);
            mm.Insert(vma);
            OpenVma(vma);
            seg.Object.AddMapping(mapping);
            seg.Object.Policy?.Attach(mapping);
            return (long)addr;
        }
        finally
        {
            mm.MmapLock.ExitWriteLock();
            Quiescent(task);
        }
    }

    /// <summary>
    /// shmdt(2): find the attach that starts at <paramref name="addr"/> (a shm vma whose offset from addr
    /// equals its vm_pgoff) and unmap every vma of that attach inside the segment's size; EINVAL if none.
    /// </summary>
    public int Shmdt(TaskStruct task, ulong addr)
    {
        if ((addr & (PageSize - 1)) != 0) return -Errno.EINVAL;
        var mm = task.Mm;
        mm.MmapLock.EnterWriteLock();
        try
        {
            for (int i = mm.IndexAfter(addr); i < mm.Vmas.Count; i++)
            {
                var v = mm.Vmas[i];
                if (v.Mapping.Segment is not { } seg || v.Start < addr || (v.Start - addr) >> PageShift != v.Pgoff) continue;
                ulong end = addr + seg.MappedBytes;
                var mapping = v.Mapping;
                for (int j = mm.IndexAfter(addr); j < mm.Vmas.Count && mm.Vmas[j].Start < end;)
                {
                    if (mm.Vmas[j].Mapping == mapping) RemoveVma(mm, mm.Vmas[j]);
                    else j++;
                }
                return 0;
            }
            return -Errno.EINVAL;
        }
        finally
        {
            mm.MmapLock.ExitWriteLock();
            Quiescent(task);
        }
    }

    /// <summary>shmctl(IPC_RMID): the key becomes private; the segment dies now or with its last vma.</summary>
    public int ShmctlRmid(TaskStruct task, int shmid)
    {
        ShmSegment? seg;
        lock (_shmLock)
        {
            if (!_segments.TryGetValue(shmid, out seg) || seg.Dead) return -Errno.EINVAL;
            seg.Destroyed = true;
            seg.Key = ShmFlags.IpcPrivate;
        }
        // Nattch changes only under an mmap write lock of an attaching mm; a segment with no vmas has none.
        if (seg.Nattch == 0) DestroySegment(seg);
        Quiescent(task);
        return 0;
    }

    /// <summary>shm_destroy() → inode eviction: free the pages and the shared policy tree.</summary>
    private void DestroySegment(ShmSegment seg)
    {
        lock (_shmLock)
        {
            if (seg.Dead) return;
            seg.Dead = true;
            _segments.Remove(seg.Id);
            if (seg.HugeTlb) _hugePagesUsed -= (long)seg.Object.PageCount;
        }
        for (ulong i = 0; i < seg.Object.PageCount; i++) FreePage(seg.Object, i);
        seg.Object.Policy?.FreeAll();
    }
}
