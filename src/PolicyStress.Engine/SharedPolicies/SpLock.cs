using System.Runtime.InteropServices;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>
/// The lock of one shared policy tree, in the four kinds a run can choose. The kind is fixed at creation,
/// so the switch in each method is a perfectly predicted branch.
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
    private PaddedInt _spin;                         // Spin: 0 free, 1 held
    private readonly ReaderWriterLockSlim? _rw;      // RwLock
    private readonly PaddedInt[]? _shards;           // Sharded: reader count per CPU, each on its own line
    private PaddedInt _writerFlag;                   // Sharded: 1 while a writer holds (or is taking) the lock
    private readonly Lock? _shardWriters;            // Sharded: serialises writers
    private readonly Lock? _writer;                  // Snapshot: serialises writers only

    public SpLock(SpLockKind kind, int cpus)
    {
        _kind = kind;
        switch (kind)
        {
            case SpLockKind.RwLock: _rw = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion); break;
            case SpLockKind.Sharded:
                _shards = new PaddedInt[Math.Max(1, cpus)];
                _shardWriters = new Lock();
                break;
            case SpLockKind.Snapshot: _writer = new Lock(); break;
        }
    }

    public SpLockKind Kind => _kind;

    /// <summary>read_lock (spin_lock for the spinlock kind; the CPU's shard for sharded). Snapshot readers
    /// never call this.</summary>
    public void EnterRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(); break;
            case SpLockKind.RwLock: _rw!.EnterReadLock(); break;
            case SpLockKind.Sharded: EnterShard(ref _shards![(uint)cpu % (uint)_shards.Length].Value); break;
            default: throw new InvalidOperationException("snapshot readers take no lock");
        }
    }

    public void ExitRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;   // release: our reads happen before
            case SpLockKind.RwLock: _rw!.ExitReadLock(); break;
            case SpLockKind.Sharded: Interlocked.Decrement(ref _shards![(uint)cpu % (uint)_shards.Length].Value); break;
        }
    }

    public void EnterWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(); break;
            case SpLockKind.RwLock: _rw!.EnterWriteLock(); break;
            case SpLockKind.Sharded: EnterAllShards(); break;
            case SpLockKind.Snapshot: _writer!.Enter(); break;
        }
    }

    public void ExitWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;
            case SpLockKind.RwLock: _rw!.ExitWriteLock(); break;
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
    private void EnterSpin()
    {
        var wait = new SpinWait();
        while (true)
        {
            if (Volatile.Read(ref _spin.Value) == 0 && Interlocked.CompareExchange(ref _spin.Value, 1, 0) == 0) return;
            wait.SpinOnce(sleep1Threshold: -1);
        }
    }
}
