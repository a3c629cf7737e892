using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Engine;

/// <summary>
/// Per-VMA locks (include/linux/mmap_lock.h, mm/mmap_lock.c) as of the vm_refcnt rework (e8f32ff00a66,
/// believed 6.15): a reader is a reference on the vma's count; a writer, holding the mmap lock for write,
/// raises the count by <see cref="VmaLockOffset"/>, waits for the readers to drain, and marks the vma with
/// the mm's write sequence, which the mmap lock's unlock moves on. Everything here is a no-op unless the
/// mm runs <see cref="MmapLockKind.PerVma"/>.
/// </summary>
public sealed partial class Kernel
{
    /// <summary>VMA_LOCK_OFFSET: what a writer adds to vm_refcnt while it waits for readers to leave.</summary>
    internal const int VmaLockOffset = 0x4000_0000;

    /// <summary>Test hook: called when a writer has write-locked a vma (end of vma_start_write), holding
    /// the mmap lock for write. Null outside tests (one predictable branch on writer paths only).</summary>
    internal Action<Vma>? VmaWriteLocked;

    /// <summary>Test hook: a fault found no vma it could lock and is about to take the mmap lock instead.</summary>
    internal Action<TaskStruct>? VmaLockFallback;

    /// <summary>
    /// The per-VMA half of the fault (do_user_addr_fault with FAULT_FLAG_VMA_LOCK): false, having done
    /// nothing, when no vma could be locked — the caller then takes the mmap lock, where a missing vma is
    /// EFAULT. An answer other than a fault (EACCES) comes from here as under the mmap lock.
    /// </summary>
    private bool FaultUnderVmaLock(TaskStruct task, ulong addr, bool write, out int result)
    {
        var vma = LockVmaUnderRcu(task.Mm, addr);
        if (vma is null)
        {
            task.Stats.VmaLockFallbacks++;
            VmaLockFallback?.Invoke(task);
            result = 0;
            return false;
        }
        try
        {
            result = write && vma.Mapping.ReadOnly ? -Errno.EACCES : FaultIn(task, vma, addr, write);
        }
        finally
        {
            VmaEndRead(vma);
        }
        Quiescent(task);
        return true;
    }

    /// <summary>
    /// lock_vma_under_rcu(): find the vma at <paramref name="addr"/> in the published vmas (no mm lock)
    /// and read-lock it; null when there is none, it is write-locked or detached, or it no longer covers
    /// the address once locked — the caller then falls back to the mmap lock (lock_mm_and_find_vma).
    /// Allocates nothing.
    /// </summary>
    internal static Vma? LockVmaUnderRcu(Mm mm, ulong addr)
    {
        // rcu_dereference of the maple tree: acquire, pairs with EndWriteAll's release publication.
        var vma = Mm.FindUnlocked(Volatile.Read(ref mm.VmaSnapshot), addr);
        if (vma is null || !VmaStartRead(mm, vma)) return null;
        // "Check if the vma we locked is the right one": a split or a merge may have moved its edges.
        if (addr < vma.Start || addr >= vma.End)
        {
            VmaEndRead(vma);
            return null;
        }
        return vma;
    }

    /// <summary>
    /// vma_start_read(): fail at once if the vma is write-locked in the current write session; else take
    /// a reference unless the vma is detached (0) or a writer is draining it (≥ VMA_LOCK_OFFSET)
    /// (__refcount_inc_not_zero_limited_acquire); then check the sequence again, since a writer may have
    /// locked it between the two.
    /// </summary>
    private static bool VmaStartRead(Mm mm, Vma vma)
    {
        // READ_ONCE both sequences: a cheap early exit that does not touch the count's line for writing.
        if (Volatile.Read(ref vma.LockSeq) == Volatile.Read(ref mm.LockSeq)) return false;
        int c = Volatile.Read(ref vma.RefCnt);
        while (true)
        {
            if (c == 0 || c >= VmaLockOffset) return false;
            // CompareExchange, acquire: the vma's fields are read after the reference is held, so after
            // the last writer's release of them.
            int seen = Interlocked.CompareExchange(ref vma.RefCnt, c + 1, c);
            if (seen == c) break;
            c = seen;
        }
        // Ordered after the CompareExchange (full fence): a writer that set vm_lock_seq before letting
        // readers back in (VmaStartWrite's release) is seen here.
        if (Volatile.Read(ref vma.LockSeq) == Volatile.Read(ref mm.LockSeq))
        {
            VmaEndRead(vma);
            return false;
        }
        return true;
    }

    /// <summary>vma_end_read(): vma_refcount_put, a release decrement (the reader's accesses happen before
    /// the writer that sees the count drain). The kernel also wakes a waiting writer; the model's polls.</summary>
    internal static void VmaEndRead(Vma vma) => Interlocked.Decrement(ref vma.RefCnt);

    /// <summary>
    /// vma_start_write(): with the mmap lock held for write, exclude the vma's readers until the mmap
    /// lock is released. Once per vma per write session (vm_lock_seq already equal: done). Waits for the
    /// readers inside to leave, spinning then sleeping as rcuwait does.
    /// </summary>
    internal void VmaStartWrite(Mm mm, Vma vma)
    {
        if (!mm.PerVma || vma.LockSeq == mm.LockSeq) return;   // only this writer writes either
        // __vma_enter_locked: refcount_add(VMA_LOCK_OFFSET) (full fence): new readers fail from here on.
        Interlocked.Add(ref vma.RefCnt, VmaLockOffset);
        var wait = new SpinWait();
        while (Volatile.Read(ref vma.RefCnt) != VmaLockOffset + 1) wait.SpinOnce();   // acquire: readers' accesses done
        Volatile.Write(ref vma.LockSeq, mm.LockSeq);   // WRITE_ONCE(vma->vm_lock_seq, mm_lock_seq)
        // __vma_exit_locked: refcount_sub (full fence, release): a reader that gets a reference after it
        // sees the sequence above and backs out.
        Interlocked.Add(ref vma.RefCnt, -VmaLockOffset);
        VmaWriteLocked?.Invoke(vma);
    }

    /// <summary>queue_pages_range() with MPOL_MF_WRLOCK: write-lock every vma [start, end) reaches.</summary>
    internal void VmaStartWriteRange(Mm mm, ulong start, ulong end)
    {
        if (!mm.PerVma) return;
        for (int i = mm.IndexAfter(start); i < mm.Vmas.Count && mm.Vmas[i].Start < end; i++) VmaStartWrite(mm, mm.Vmas[i]);
    }

    /// <summary>
    /// vma_mark_detached(): drop the attach reference of a write-locked vma just taken out of its mm; if
    /// a reader is passing through (it took a reference before seeing the write lock and is backing out),
    /// wait until it has gone. From then on no reader can take the vma (count 0).
    /// </summary>
    private static void VmaMarkDetached(Mm mm, Vma vma)
    {
        if (!mm.PerVma) return;
        if (Interlocked.Decrement(ref vma.RefCnt) == 0) return;   // full fence: refcount_dec_and_test
        var wait = new SpinWait();
        while (Volatile.Read(ref vma.RefCnt) != 0) wait.SpinOnce();
    }
}
