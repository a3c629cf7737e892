using BenchmarkDotNet.Attributes;
using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.SharedPolicies;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Benchmarks;

/// <summary>
/// One thread's cost of entering and leaving each shared policy tree lock (SpLock), uncontended: a read
/// side as a fault takes it, a write side as mbind takes it. Ratio: against rwls (ReaderWriterLockSlim),
/// the lock the model used before the kernel-shaped kinds. Snapshot readers take no lock, so it has no
/// read case; contention and scaling are the harness's job.
/// </summary>
public class TreeLockBenchmarks
{
    private const int Operations = 1024;
    private SpLock _lock = null!;

    [Params(SpLockKind.Rwls, SpLockKind.RwLock, SpLockKind.Spin, SpLockKind.Sharded)]
    public SpLockKind TreeLock { get; set; }

    [GlobalSetup]
    public void Setup() => _lock = new SpLock(TreeLock, cpus: 2);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void ReadEnterExit()
    {
        for (int i = 0; i < Operations; i++)
        {
            _lock.EnterRead(0);
            _lock.ExitRead(0);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void WriteEnterExit()
    {
        for (int i = 0; i < Operations; i++)
        {
            _lock.EnterWrite();
            _lock.ExitWrite();
        }
    }
}

/// <summary>
/// One thread's cost of the lock a fault takes to find its vma, uncontended: rwls (ReaderWriterLockSlim,
/// the baseline), rwsem (down_read/up_read) and per-vma (lock_vma_under_rcu's lookup and reference, then
/// vma_end_read); and of a writer's side (mmap_write_lock/unlock, plus one vma_start_write for per-vma).
/// </summary>
public class MmapLockBenchmarks
{
    private const int Operations = 1024;
    private Kernel _kernel = null!;
    private Mm _mm = null!;
    private Vma _vma = null!;
    private ulong _addr;

    [Params(MmapLockKind.Rwls, MmapLockKind.Rwsem, MmapLockKind.PerVma)]
    public MmapLockKind MmapLock { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _kernel = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig { MmapLock = MmapLock });
        var task = _kernel.CreateProcess(0);
        _addr = (ulong)_kernel.Mmap(task, 0, 64 * Kernel.PageSize, Kernel.MapPrivate | Kernel.MapAnonymous) + Kernel.PageSize;
        _mm = task.Mm;
        _vma = _mm.FindVma(_addr)!;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void ReadEnterExit()
    {
        if (MmapLock == MmapLockKind.PerVma)
        {
            for (int i = 0; i < Operations; i++) Kernel.VmaEndRead(Kernel.LockVmaUnderRcu(_mm, _addr)!);
            return;
        }
        var l = _mm.MmapLock;
        for (int i = 0; i < Operations; i++)
        {
            l.EnterReadLock();
            l.ExitReadLock();
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void WriteEnterExit()
    {
        var l = _mm.MmapLock;
        for (int i = 0; i < Operations; i++)
        {
            l.EnterWriteLock();
            _kernel.VmaStartWrite(_mm, _vma);   // a no-op unless per-vma
            l.ExitWriteLock();
        }
    }
}
