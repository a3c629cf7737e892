using System.Runtime.InteropServices;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>
/// The lock of one shared policy tree, in the four kinds a run can choose. The kind is fixed at creation,
/// so the switch in each method is a perfectly predicted branch.
/// </summary>
internal sealed class SpLock
{
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedInt
    {
        [FieldOffset(0)] public int Value;
    }

    private readonly SpLockKind _kind;
    private PaddedInt _spin;                         // Spin: 0 free, 1 held
    private readonly ReaderWriterLockSlim? _rw;      // RwLock
    private readonly ReaderWriterLockSlim[]? _shards; // Sharded: one per CPU (separate objects, separate lines)
    private readonly Lock? _writer;                  // Snapshot: serialises writers only

    public SpLock(SpLockKind kind, int cpus)
    {
        _kind = kind;
        switch (kind)
        {
            case SpLockKind.RwLock: _rw = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion); break;
            case SpLockKind.Sharded:
                _shards = new ReaderWriterLockSlim[Math.Max(1, cpus)];
                for (int i = 0; i < _shards.Length; i++) _shards[i] = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);
                break;
            case SpLockKind.Snapshot: _writer = new Lock(); break;
        }
    }

    public SpLockKind Kind => _kind;

    /// <summary>read_lock (or spin_lock for the spinlock kind). Snapshot readers never call this.</summary>
    public void EnterRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(); break;
            case SpLockKind.RwLock: _rw!.EnterReadLock(); break;
            case SpLockKind.Sharded: _shards![(uint)cpu % (uint)_shards.Length].EnterReadLock(); break;
            default: throw new InvalidOperationException("snapshot readers take no lock");
        }
    }

    public void ExitRead(int cpu)
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;   // release: our reads happen before
            case SpLockKind.RwLock: _rw!.ExitReadLock(); break;
            case SpLockKind.Sharded: _shards![(uint)cpu % (uint)_shards.Length].ExitReadLock(); break;
        }
    }

    public void EnterWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: EnterSpin(); break;
            case SpLockKind.RwLock: _rw!.EnterWriteLock(); break;
            case SpLockKind.Sharded: foreach (var s in _shards!) s.EnterWriteLock(); break;   // fixed order: no deadlock
            case SpLockKind.Snapshot: _writer!.Enter(); break;
        }
    }

    public void ExitWrite()
    {
        switch (_kind)
        {
            case SpLockKind.Spin: Volatile.Write(ref _spin.Value, 0); break;
            case SpLockKind.RwLock: _rw!.ExitWriteLock(); break;
            case SpLockKind.Sharded: for (int i = _shards!.Length - 1; i >= 0; i--) _shards[i].ExitWriteLock(); break;
            case SpLockKind.Snapshot: _writer!.Exit(); break;
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
