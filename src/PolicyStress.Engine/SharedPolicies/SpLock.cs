using System.Runtime.InteropServices;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>
/// The lock of one shared policy tree (struct shared_policy.lock), in the kinds a run can choose; each
/// kind's kernel lock and version is on <see cref="SpLockKind"/>. The kind is fixed at creation, so the
/// switch in each method is a perfectly predicted branch. .NET's Interlocked operations are full fences,
/// stronger than the acquire/release the kernel asks of each; the comments name what the model relies on.
/// </summary>
internal sealed class SpLock
{
    // Padded (CacheLine): each shard's count, the spin word and the writer flag on lines of their own.
    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
    private struct PaddedInt
    {
        [FieldOffset(CacheLine.Size)] public int Value;
    }

    private readonly SpLockKind _kind;
    private PaddedInt _spin;                         // Spin: 0 free, 1 held. RwLock: the qrwlock's wait_lock
    private PaddedInt _cnts;                         // RwLock: the qrwlock's cnts word
    private readonly ReaderWriterLockSlim? _rw;      // Rwls
    private readonly PaddedInt[]? _shards;           // Sharded: reader count per CPU, each on its own line
    private PaddedInt _writerFlag;                   // Sharded: 1 while a writer holds (or is taking) the lock
    private readonly Lock? _shardWriters;            // Sharded: serialises writers
    private readonly Lock? _writer;                  // Snapshot: serialises writers only

    public SpLock(SpLockKind kind, int cpus)
    {
        _kind = kind;
        switch (kind)
        {
            case SpLockKind.Rwls: _rw = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion); break;
            case SpLockKind.Sharded:
                _shards = new PaddedInt[Math.Max(1, cpus)];
                _shardWriters = new Lock();
                break;
            case SpLockKind.Snapshot: _writer = new Lock(); break;
        }
    }

    public SpLockKind Kind => _kind;

    /// <summary>Test hook: a qrwlock reader that found a writer holding or waiting has backed out and is
    /// about to queue on the wait lock. Called on the slow path only.</summary>
    internal Action? ReaderQueued;

    /// <summary>Test probe: a qrwlock writer has set the waiting bit and waits for readers to drain.</summary>
    internal bool WriterWaiting => (Volatile.Read(ref _cnts.Value) & QwWaiting) != 0;

    /// <summary>read_lock (spin_lock for the spinlock kind; the CPU's shard for sharded). Snapshot readers
    /// never call this.</summary>
    public void EnterRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(ref _spin.Value); break;
            case SpLockKind.RwLock: QueuedReadLock(); break;
            case SpLockKind.Rwls: _rw!.EnterReadLock(); break;
            case SpLockKind.Sharded: EnterShard(ref _shards![(uint)cpu % (uint)_shards.Length].Value); break;
            default: throw new InvalidOperationException("snapshot readers take no lock");
        }
    }

    public void ExitRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;   // release: our reads happen before
            // queued_read_unlock: atomic_sub_return_release(_QR_BIAS). Release: our reads of the tree happen
            // before a writer that sees the count drop can change it.
            case SpLockKind.RwLock: Interlocked.Add(ref _cnts.Value, -QrBias); break;
            case SpLockKind.Rwls: _rw!.ExitReadLock(); break;
            // release: this reader's reads happen before the writer that sees the shard drain
            case SpLockKind.Sharded: Interlocked.Decrement(ref _shards![(uint)cpu % (uint)_shards.Length].Value); break;
        }
    }

    public void EnterWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(ref _spin.Value); break;
            case SpLockKind.RwLock: QueuedWriteLock(); break;
            case SpLockKind.Rwls: _rw!.EnterWriteLock(); break;
            case SpLockKind.Sharded: EnterAllShards(); break;
            case SpLockKind.Snapshot: _writer!.Enter(); break;
        }
    }

    public void ExitWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;   // release: the writer's changes happen before the next holder's reads
            // queued_write_unlock: smp_store_release(&lock->wlocked, 0), a byte store beside the readers'
            // count. .NET gives no atomicity to a byte store mixed with int atomics on the same word, so the
            // model clears the byte with an atomic add (release: the writer's changes happen before readers
            // that see the byte clear).
            case SpLockKind.RwLock: Interlocked.Add(ref _cnts.Value, -QwLocked); break;
            case SpLockKind.Rwls: _rw!.ExitWriteLock(); break;
            case SpLockKind.Sharded:
                Volatile.Write(ref _writerFlag.Value, 0);   // release: the writer's changes happen before readers enter
                _shardWriters!.Exit();
                break;
            case SpLockKind.Snapshot: _writer!.Exit(); break;
        }
    }

    /// <summary>
    /// A big-reader lock (brlock): a reader announces itself on its own CPU's line, then checks the writer
    /// flag. Interlocked.Increment is a full fence, so either the writer sees the announcement or the reader
    /// sees the flag (Dekker); a reader that lost backs out and waits. Readers write only their own line.
    /// </summary>
    private void EnterShard(ref int readers)
    {
        while (true)
        {
            Interlocked.Increment(ref readers);
            if (Volatile.Read(ref _writerFlag.Value) == 0) return;
            Interlocked.Decrement(ref readers);
            var wait = new SpinWait();
            while (Volatile.Read(ref _writerFlag.Value) != 0) wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Raise the writer flag (full fence), then wait for every shard's readers to leave.</summary>
    private void EnterAllShards()
    {
        _shardWriters!.Enter();
        Interlocked.Exchange(ref _writerFlag.Value, 1);
        foreach (ref var s in _shards!.AsSpan())
        {
            var wait = new SpinWait();
            while (Volatile.Read(ref s.Value) != 0) wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Test-and-test-and-set: spin on a read, then one CompareExchange (acquire) to take it.</summary>
    private static void EnterSpin(ref int word)
    {
        var wait = new SpinWait();
        while (true)
        {
            // Volatile.Read: a plain spin on the shared line; CompareExchange (acquire): the holder's reads
            // happen after the previous holder's release.
            if (Volatile.Read(ref word) == 0 && Interlocked.CompareExchange(ref word, 1, 0) == 0) return;
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }

    // include/asm-generic/qrwlock_types.h and qrwlock.h (since 3.16): cnts holds the writer byte (0xff
    // while a writer holds), the waiting bit, and the readers in units of 1 << 9.
    private const int QwLocked = 0xff, QwWaiting = 0x100, QwWmask = QwLocked | QwWaiting, QrBias = 1 << 9;

    /// <summary>
    /// queued_read_lock(): one atomic add of a reader's bias; the reader is in unless a writer holds or
    /// waits. Readers never exclude each other. The add is atomic_add_return_acquire in the kernel: the
    /// reader's reads of the tree happen after it. (Interlocked.Add is a full fence.)
    /// </summary>
    private void QueuedReadLock()
    {
        if ((Interlocked.Add(ref _cnts.Value, QrBias) & QwWmask) == 0) return;
        QueuedReadLockSlow();
    }

    /// <summary>
    /// queued_read_lock_slowpath() (process context): take the bias back, queue on the wait lock (which a
    /// waiting writer holds, so new readers stop behind it), add the bias again and wait only for the
    /// writer byte to clear, then let the next waiter in.
    /// </summary>
    private void QueuedReadLockSlow()
    {
        Interlocked.Add(ref _cnts.Value, -QrBias);   // atomic_sub: back out, the writer may be draining readers
        ReaderQueued?.Invoke();
        EnterSpin(ref _spin.Value);                   // arch_spin_lock(&lock->wait_lock)
        Interlocked.Add(ref _cnts.Value, QrBias);    // atomic_add: announce; a writer now waits for us
        var wait = new SpinWait();
        // atomic_cond_read_acquire(!(VAL & _QW_LOCKED)): acquire, the holder's writes are visible after it
        while ((Volatile.Read(ref _cnts.Value) & QwLocked) != 0) wait.SpinOnce(sleep1Threshold: -1);
        Volatile.Write(ref _spin.Value, 0);           // arch_spin_unlock (release)
    }

    /// <summary>
    /// queued_write_lock(): a CompareExchange of 0 to locked (acquire), else the slow path: queue on the
    /// wait lock, set the waiting bit (from then on new readers queue behind us), wait for the readers to
    /// drain and take the lock from waiting to locked.
    /// </summary>
    private void QueuedWriteLock()
    {
        if (Interlocked.CompareExchange(ref _cnts.Value, QwLocked, 0) == 0) return;
        EnterSpin(ref _spin.Value);                                                 // arch_spin_lock(&lock->wait_lock)
        if (Volatile.Read(ref _cnts.Value) != 0 || Interlocked.CompareExchange(ref _cnts.Value, QwLocked, 0) != 0)
        {
            Interlocked.Or(ref _cnts.Value, QwWaiting);   // atomic_or: full fence, readers that add after it see it
            var wait = new SpinWait();
            while (true)
            {
                // atomic_cond_read_relaxed(VAL == _QW_WAITING), then try_cmpxchg_acquire to locked
                if (Volatile.Read(ref _cnts.Value) == QwWaiting
                    && Interlocked.CompareExchange(ref _cnts.Value, QwLocked, QwWaiting) == QwWaiting) break;
                wait.SpinOnce(sleep1Threshold: -1);
            }
        }
        Volatile.Write(ref _spin.Value, 0);                                         // arch_spin_unlock (release)
    }
}
