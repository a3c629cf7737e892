using System.Runtime.InteropServices;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>Which lock a fault takes to find and use its vma (mm->mmap_lock, or the vma's own lock).</summary>
public enum MmapLockKind
{
    /// <summary>.NET's ReaderWriterLockSlim as the mm's lock: no kernel lock (its readers serialise on an
    /// internal spin lock). The default, as the model had it before this kind was a choice.</summary>
    Rwls,
    /// <summary>struct rw_semaphore's fast path (kernel/locking/rwsem.c, the reader-count layout of 5.3):
    /// a reader is one atomic add on the mm's count on entry and one on exit; a writer takes the count
    /// from 0 and, when readers hold it, waits for them to drain while new readers wait behind it.</summary>
    Rwsem,
    /// <summary>Per-VMA locks (6.4, Suren Baghdasaryan; anonymous faults first, shared faults believed
    /// 6.7) in the refcount form of e8f32ff00a66 (vm_refcnt, believed 6.15): a fault finds its vma
    /// without the mm lock (lock_vma_under_rcu) and takes a reference on the vma's own count
    /// (vma_start_read); writers hold the mm's <see cref="Rwsem"/> for write and write-lock only the vmas
    /// they change (vma_start_write). A fault that finds its vma write-locked, detached or missing falls
    /// back to the mm's rwsem.</summary>
    PerVma,
}

/// <summary>
/// mm->mmap_lock in the kind the kernel config asks for (<see cref="MmapLockKind"/>); the call names are
/// ReaderWriterLockSlim's. The kind is fixed at creation, so each method's branch is perfectly predicted.
/// .NET's Interlocked operations are full fences, stronger than the acquire/release the kernel asks of
/// each; the comments name what the model relies on.
/// </summary>
public sealed class MmapLock
{
    // rwsem count layout since 5.3 (Waiman Long's rwsem rework): bit 0 RWSEM_WRITER_LOCKED, bit 1
    // RWSEM_FLAG_WAITERS (here: a writer waits; readers must not enter), readers from bit 8.
    private const long WriterLocked = 1, FlagWaiters = 2, ReaderBias = 1 << 8, ReadFailedMask = WriterLocked | FlagWaiters;

    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
    private struct PaddedLong
    {
        [FieldOffset(CacheLine.Size)] public long Value;
    }

    private readonly bool _rwls;
    private readonly ReaderWriterLockSlim? _rw;
    private PaddedLong _count;                 // Rwsem, PerVma: sem->count
    private readonly Lock? _waitLock;          // Rwsem, PerVma: sem->wait_lock, writers queue on it in order
    private readonly Mm _mm;

    internal MmapLock(MmapLockKind kind, Mm mm)
    {
        Kind = kind;
        _mm = mm;
        _rwls = kind == MmapLockKind.Rwls;
        if (_rwls) _rw = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
        else _waitLock = new Lock();
    }

    public MmapLockKind Kind { get; }

    /// <summary>Test hook: an rwsem reader found a writer holding or waiting and backed out (slow path only).</summary>
    internal Action? ReaderQueued;

    /// <summary>Test probe: an rwsem writer waits for readers to drain.</summary>
    internal bool WriterWaiting => (Volatile.Read(ref _count.Value) & FlagWaiters) != 0;

    /// <summary>RWLS: this thread holds the read side. rwsem: some thread does (the count is not per thread).</summary>
    public bool IsReadLockHeld => _rwls ? _rw!.IsReadLockHeld : Volatile.Read(ref _count.Value) >= ReaderBias;

    /// <summary>RWLS: this thread holds the write side. rwsem: some thread does.</summary>
    public bool IsWriteLockHeld => _rwls ? _rw!.IsWriteLockHeld : (Volatile.Read(ref _count.Value) & WriterLocked) != 0;

    /// <summary>mmap_read_lock() → down_read().</summary>
    public void EnterReadLock()
    {
        if (_rwls) { _rw!.EnterReadLock(); return; }
        // rwsem_read_trylock: atomic_long_add_return_acquire(RWSEM_READER_BIAS). Acquire: the reader's
        // reads of the vmas happen after it, so after the last writer's release.
        if ((Interlocked.Add(ref _count.Value, ReaderBias) & ReadFailedMask) == 0) return;
        ReadSlow();
    }

    /// <summary>mmap_read_unlock() → up_read(): atomic_long_add_return_release(-RWSEM_READER_BIAS).
    /// Release: this reader's reads happen before a writer that sees the count drain.</summary>
    public void ExitReadLock()
    {
        if (_rwls) { _rw!.ExitReadLock(); return; }
        Interlocked.Add(ref _count.Value, -ReaderBias);
    }

    /// <summary>mmap_write_lock() → down_write(); with per-VMA locks, mm_lock_seqcount_begin() too.</summary>
    public void EnterWriteLock()
    {
        if (_rwls) _rw!.EnterWriteLock();
        // rwsem_write_trylock: atomic_long_try_cmpxchg_acquire(0 → RWSEM_WRITER_LOCKED). Acquire: the
        // writer's changes happen after every reader's release.
        else if (Interlocked.CompareExchange(ref _count.Value, WriterLocked, 0) != 0) WriteSlow();
        if (Kind == MmapLockKind.PerVma) _mm.BeginWriteSeq();
    }

    /// <summary>mmap_write_unlock() → vma_end_write_all() with per-VMA locks, then up_write():
    /// atomic_long_fetch_add_release(-RWSEM_WRITER_LOCKED). Release: the writer's changes happen before the
    /// next reader's entry.</summary>
    public void ExitWriteLock()
    {
        if (Kind == MmapLockKind.PerVma) _mm.EndWriteAll();
        if (_rwls) _rw!.ExitWriteLock();
        else Interlocked.Add(ref _count.Value, -WriterLocked);
    }

    /// <summary>
    /// rwsem_down_read_slowpath(), reduced: take the bias back (a waiting writer is draining readers),
    /// wait — spinning, then sleeping, as a reader on the wait list sleeps — until no writer holds or
    /// waits, and try the fast path again. The kernel queues the reader and lets the writer's up_write
    /// grant it the lock; the model polls.
    /// </summary>
    private void ReadSlow()
    {
        while (true)
        {
            Interlocked.Add(ref _count.Value, -ReaderBias);   // full fence: the writer's drain sees us gone
            ReaderQueued?.Invoke();
            var wait = new SpinWait();
            while ((Volatile.Read(ref _count.Value) & ReadFailedMask) != 0) wait.SpinOnce();   // acquire read
            if ((Interlocked.Add(ref _count.Value, ReaderBias) & ReadFailedMask) == 0) return;
        }
    }

    /// <summary>
    /// rwsem_down_write_slowpath(), reduced: writers queue in order on the wait lock; the first sets the
    /// waiters flag (new readers now back off: a waiting writer stops them, as the kernel's queued
    /// waiters and handoff bit do), waits for the readers to drain, spinning then sleeping, and takes the
    /// count from "waiting" to "locked" (acquire).
    /// </summary>
    private void WriteSlow()
    {
        lock (_waitLock!)
        {
            if (Interlocked.CompareExchange(ref _count.Value, WriterLocked, 0) == 0) return;
            Interlocked.Or(ref _count.Value, FlagWaiters);   // full fence: readers that add after it see the flag
            var wait = new SpinWait();
            while (Volatile.Read(ref _count.Value) != FlagWaiters
                   || Interlocked.CompareExchange(ref _count.Value, WriterLocked, FlagWaiters) != FlagWaiters)
                wait.SpinOnce();
        }
    }
}
