using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Engine.Ipc;

/// <summary>
/// A SysV shared memory segment (struct shmid_kernel) over its shmem or hugetlbfs file. The segment
/// lives while it has attached vmas or until IPC_RMID; after IPC_RMID it dies with its last vma, and
/// its inode's shared policy tree is freed (mpol_free_shared_policy at eviction).
/// </summary>
public sealed class ShmSegment
{
    internal ShmSegment(int id, int key, ulong size, MemObject obj)
    {
        Id = id;
        Key = key;
        Size = size;
        Object = obj;
    }

    public int Id { get; }
    /// <summary>The key; IPC_RMID makes it private (0), as the kernel does.</summary>
    public int Key { get; internal set; }
    /// <summary>shm_segsz: the size asked for; the mapping covers it rounded up to the page size.</summary>
    public ulong Size { get; }
    public MemObject Object { get; }
    public bool HugeTlb => Object.HugeTlb;
    /// <summary>shm_nattch: counts vmas (split pieces of one attach each count, as shm_open does).
    /// Changed with Interlocked: different mms attach and detach under different mmap locks.</summary>
    public int Nattch => Volatile.Read(ref NattchCount);
    internal int NattchCount;
    /// <summary>SHM_DEST: IPC_RMID was called; the segment goes when <see cref="Nattch"/> drops to 0.</summary>
    public bool Destroyed { get; internal set; }
    public bool Dead { get; internal set; }

    /// <summary>The name numa_maps prints: <c>/SYSV%08x</c> of the key at creation.</summary>
    public string FileName { get; internal init; } = "";

    public ulong MappedBytes => Object.PageCount << Object.PageShift;
}
