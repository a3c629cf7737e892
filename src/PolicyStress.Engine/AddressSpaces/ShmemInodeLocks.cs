using System.Runtime.InteropServices;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// The per-inode locks a shmem fault and a hole punch take in the kernel, used by the kernel-shaped fault
/// costs (<see cref="FaultCostKind.Kernel"/>) only: each on lines of its own (<see cref="CacheLine"/>), with
/// an acquisition count written under the lock (the line is owned then, so counting adds no traffic) that
/// tests read.
/// </summary>
/// <remarks>
/// Modern (6.x): <c>mapping->i_pages.xa_lock</c> (spinlock; shmem_add_to_page_cache, and the removal in
/// shmem_undo_range), <c>info->lock</c> (spinlock; shmem_recalc_inode), <c>inode->i_rwsem</c> (shmem_fallocate
/// takes it for write) and <c>mapping->i_mmap_rwsem</c> (unmap_mapping_range takes it for read). 2.6.23:
/// <c>info->lock</c> (shmem_getpage, twice per allocating fault), <c>mapping->tree_lock</c> (an rwlock_t,
/// write-locked by add_to_page_cache: modelled as the same exclusive word as xa_lock), <c>i_mutex</c>
/// (vmtruncate_range) and <c>i_mmap_lock</c> (a spinlock in 2.6.23; its read side here).
/// </remarks>
public sealed class ShmemInodeLocks
{
    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
    private struct PaddedLock
    {
        [FieldOffset(CacheLine.Size)] public int Word;
        [FieldOffset(CacheLine.Size + 8)] public long Acquisitions;
        [FieldOffset(CacheLine.Size + 16)] public long Value;   // what the lock protects (info->alloced, nrpages)
    }

    private PaddedLock _xa, _info, _rwsem, _immap;

    /// <summary>Times xa_lock (2.6.23: tree_lock) was taken.</summary>
    internal long XaLockAcquisitions => Volatile.Read(ref _xa.Acquisitions);
    /// <summary>Times info->lock was taken.</summary>
    internal long InfoLockAcquisitions => Volatile.Read(ref _info.Acquisitions);
    /// <summary>Times i_rwsem (2.6.23: i_mutex) was taken for write.</summary>
    internal long IRwsemAcquisitions => Volatile.Read(ref _rwsem.Acquisitions);
    /// <summary>Times i_mmap_rwsem (2.6.23: i_mmap_lock) was taken.</summary>
    internal long IMmapAcquisitions => Volatile.Read(ref _immap.Acquisitions);

    internal void XaLock() { Spin(ref _xa.Word); _xa.Acquisitions++; }
    internal void XaUnlock(long nrpagesDelta) { _xa.Value += nrpagesDelta; Volatile.Write(ref _xa.Word, 0); }

    internal void InfoLock() { Spin(ref _info.Word); _info.Acquisitions++; }
    internal void InfoUnlock(long allocedDelta) { _info.Value += allocedDelta; Volatile.Write(ref _info.Word, 0); }

    /// <summary>inode_lock(): down_write(&amp;inode->i_rwsem). Writers only here (faults do not take it), so a spinning word.</summary>
    internal void InodeLock() { Spin(ref _rwsem.Word); _rwsem.Acquisitions++; }
    internal void InodeUnlock() => Volatile.Write(ref _rwsem.Word, 0);

    /// <summary>i_mmap_lock_read(): a reader's atomic add on the rwsem's count (the writers, vma link and unlink, are not timed).</summary>
    internal void IMmapLockRead()
    {
        Interlocked.Increment(ref _immap.Word);
        Interlocked.Increment(ref _immap.Acquisitions);
    }

    internal void IMmapUnlockRead() => Interlocked.Decrement(ref _immap.Word);

    /// <summary>Test-and-test-and-set, as arch_spin_lock's fast path and its spinning on a read.</summary>
    private static void Spin(ref int word)
    {
        while (true)
        {
            if (Volatile.Read(ref word) == 0 && Interlocked.CompareExchange(ref word, 1, 0) == 0) return;
            Thread.SpinWait(1);
        }
    }
}
