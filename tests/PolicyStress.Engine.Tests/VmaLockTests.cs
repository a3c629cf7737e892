using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Topology;
using Xunit.Abstractions;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// The mmap lock kinds: the rw_semaphore's contract under concurrent readers and writers, per-VMA locks
/// step by step from test hooks (a writer holding one vma's write lock, a fault on it or on another vma of
/// the same mm), and every safe scheme clean under mbind churn inside one mm with each kind.
/// </summary>
public class VmaLockTests(ITestOutputHelper output)
{
    private const ulong Page = Kernel.PageSize;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);   // a deadlock detector, not a timing assert

    private static RwOps Ops(MmapLock l) => new(l.EnterReadLock, l.ExitReadLock, l.EnterWriteLock, l.ExitWriteLock);

    [Theory]
    [InlineData(MmapLockKind.Rwsem)]
    [InlineData(MmapLockKind.PerVma)]
    [InlineData(MmapLockKind.Rwls)]
    public void MmapLockExcludesWritersFromReadersAndEveryoneProgresses(MmapLockKind kind) =>
        LockKindTests.Stress(Ops(new Mm(0, kind).MmapLock));

    [Fact]
    public void RwsemWaitingWriterStopsNewReaders()
    {
        var l = new Mm(0, MmapLockKind.Rwsem).MmapLock;
        var order = new List<string>();
        l.EnterReadLock();
        var writer = new Thread(() =>
        {
            l.EnterWriteLock();
            lock (order) order.Add("writer");
            l.ExitWriteLock();
        });
        writer.Start();
        LockKindTests.SpinUntil(() => l.WriterWaiting);
        using var queued = new ManualResetEventSlim();
        l.ReaderQueued = queued.Set;
        var reader = new Thread(() =>
        {
            l.EnterReadLock();
            lock (order) order.Add("reader");
            l.ExitReadLock();
        });
        reader.Start();
        Assert.True(queued.Wait(Bound), "the new reader did not back off from the waiting writer");
        lock (order) Assert.Empty(order);
        l.ExitReadLock();
        Assert.True(writer.Join(Bound) && reader.Join(Bound));
        Assert.Equal(["writer", "reader"], order);
    }

    /// <summary>One mm with two private anonymous vmas far apart, and a second thread of it.</summary>
    private static (Kernel K, TaskStruct Writer, TaskStruct Faulter, ulong A, ulong B) TwoVmas(MmapLockKind kind = MmapLockKind.PerVma)
    {
        var k = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig { MmapLock = kind });
        var w = k.CreateProcess(0);
        ulong a = (ulong)k.Mmap(w, 0, 16 * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        ulong gap = (ulong)k.Mmap(w, 0, 16 * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        ulong b = (ulong)k.Mmap(w, 0, 16 * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        Assert.Equal(0, k.Munmap(w, gap, 16 * Page));   // not adjacent: an mbind of A never touches B
        return (k, w, k.CreateThread(w, 1), a, b);
    }

    private static int BindToNode1(Kernel k, TaskStruct t, ulong addr) =>
        k.Mbind(t, addr, 16 * Page, (int)MempolicyMode.Bind, [0b10], UserNodeMask.OneWordMaxNode, 0);

    [Fact]
    public void MbindOnOneVmaDoesNotBlockFaultsOnAnotherVmaOfTheSameMm()
    {
        var (k, writer, faulter, a, b) = TwoVmas();
        var vmaA = writer.Mm.FindVma(a)!;
        int result = int.MinValue;
        bool finished = false, hooked = false;
        k.VmaWriteLocked = v =>
        {
            if (v != vmaA || hooked) return;
            hooked = true;   // mbind holds the mmap lock for write and A's vma lock: fault B meanwhile
            Assert.True(writer.Mm.MmapLock.IsWriteLockHeld);
            var t = new Thread(() => result = k.Fault(faulter, b + 3 * Page));
            t.Start();
            finished = t.Join(Bound);
        };
        Assert.Equal(0, BindToNode1(k, writer, a));
        Assert.True(hooked);
        Assert.True(finished, "the fault on B waited for the mbind of A");
        Assert.True(result >= 0, Errno.Name(result));
        Assert.Equal(0, faulter.Counters.VmaLockFallbacks);
    }

    [Fact]
    public void FaultOnTheVmaAnMbindIsChangingFallsBackAndUsesTheNewPolicy()
    {
        var (k, writer, faulter, a, _) = TwoVmas();
        var vmaA = writer.Mm.FindVma(a)!;
        using var fellBack = new ManualResetEventSlim();
        k.VmaLockFallback = _ => fellBack.Set();
        int result = int.MinValue;
        Thread? t = null;
        k.VmaWriteLocked = v =>
        {
            if (v != vmaA || t is not null) return;
            t = new Thread(() => result = k.Fault(faulter, a + 5 * Page));
            t.Start();
            Assert.True(fellBack.Wait(Bound), "the fault did not fall back from the write-locked vma");
        };
        Assert.Equal(0, BindToNode1(k, writer, a));
        Assert.True(t!.Join(Bound));
        Assert.Equal(1, result);   // it waited for the mbind on the mmap lock, then allocated by MPOL_BIND {1}
        Assert.Equal(1, faulter.Counters.VmaLockFallbacks);
    }

    /// <summary>
    /// CVE-2023-4611's race (fixed in 6c21e066f925): a fault under the vma lock holds the vma policy it
    /// allocates with; an mbind replacing that policy must wait for the fault before it frees it.
    /// </summary>
    [Fact]
    public void MbindReplacingAVmaPolicyWaitsForTheFaultUsingIt()
    {
        var (k, writer, faulter, a, _) = TwoVmas();
        Assert.Equal(0, BindToNode1(k, writer, a));
        var vmaA = writer.Mm.FindVma(a)!;
        var old = vmaA.VmPolicy!;
        int mbind = int.MinValue;
        Thread? t = null;
        k.PausePoint = (_, pol) =>
        {
            if (t is not null) return;
            Assert.Same(old, pol);
            t = new Thread(() => mbind = k.Mbind(writer, a, 16 * Page, (int)MempolicyMode.Bind, [0b01], UserNodeMask.OneWordMaxNode, 0));
            t.Start();
            LockKindTests.SpinUntil(() => Volatile.Read(ref vmaA.RefCnt) >= Kernel.VmaLockOffset);   // the writer waits for us
            Assert.False(old.IsFreed);
        };
        Assert.Equal(1, k.Fault(faulter, a + Page));
        Assert.True(t!.Join(Bound));
        Assert.Equal(0, mbind);
        Assert.True(old.IsFreed);   // freed once the fault was done with it
        Assert.Equal(0, faulter.Counters.VmaLockFallbacks);
        k.PausePoint = null;
        Assert.Equal(0, k.Fault(faulter, a + 2 * Page));
    }

    [Fact]
    public void FaultRacingAMunmapOfItsVmaFallsBackAndGetsEfaultAfterTheUnmap()
    {
        var (k, writer, faulter, a, _) = TwoVmas();
        Assert.True(k.Fault(writer, a) >= 0);
        var vmaA = writer.Mm.FindVma(a)!;
        using var fellBack = new ManualResetEventSlim();
        k.VmaLockFallback = _ => fellBack.Set();
        int result = int.MinValue;
        Thread? t = null;
        k.VmaWriteLocked = v =>
        {
            if (v != vmaA || t is not null) return;
            t = new Thread(() => result = k.Fault(faulter, a + 2 * Page));
            t.Start();
            Assert.True(fellBack.Wait(Bound), "the fault did not fall back from the vma being unmapped");
        };
        Assert.Equal(0, k.Munmap(writer, a, 16 * Page));
        Assert.True(t!.Join(Bound));
        Assert.Equal(-Errno.EFAULT, result);
        Assert.Equal(1, faulter.Counters.VmaLockFallbacks);
        Assert.Equal(0, vmaA.RefCnt);   // detached: no later reader can take it
    }

    [Fact]
    public void PerVmaFaultFindsAVmaMappedAfterItsFirstFaultAndEfaultWhereNoneIs()
    {
        var (k, writer, faulter, a, _) = TwoVmas();
        Assert.True(k.Fault(faulter, a) >= 0);
        Assert.Equal(0, faulter.Counters.VmaLockFallbacks);
        ulong c = (ulong)k.Mmap(writer, 0, 4 * Page, Kernel.MapShared | Kernel.MapAnonymous);
        Assert.True(k.Fault(faulter, c + Page) >= 0);
        Assert.Equal(0, faulter.Counters.VmaLockFallbacks);   // published at the mmap's unlock
        Assert.Equal(-Errno.EFAULT, k.Fault(faulter, 0x1000));   // nothing there: falls back, then EFAULT
        Assert.Equal(1, faulter.Counters.VmaLockFallbacks);
    }

    /// <summary>
    /// The thread model under churn: two faulting threads and an mbinding thread of one mm. Shared: a SysV
    /// segment the writer splits and merges with sub-range policies. Private: anonymous memory whose vma
    /// policies the writer replaces and frees (CVE-2023-4611's race, if the vma lock were skipped).
    /// </summary>
    private static TaskThreads ThreadChurn(RefScheme scheme, MmapLockKind kind, bool shared)
    {
        const ulong pages = 256;
        var kernel = new Kernel(NumaTopology.Uniform(4, 1), new KernelConfig { Scheme = scheme, MmapLock = kind });
        var owner = kernel.CreateProcess(0);
        ulong v;
        if (shared)
        {
            int id = kernel.Shmget(owner, ShmFlags.IpcPrivate, pages * Page, ShmFlags.IpcCreat);
            v = (ulong)kernel.Shmat(owner, id, 0, 0);
        }
        else v = (ulong)kernel.Mmap(owner, 0, pages * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        var runner = new TaskThreads(kernel);
        for (int i = 0; i < 2; i++)
        {
            var t = kernel.CreateThread(owner, 1 + i);
            ulong first = (ulong)i * pages / 2;
            runner.Faulter(t, task =>
            {
                for (ulong p = first; p < first + pages / 2; p++)
                    if (kernel.Fault(task, v + p * Page) < 0) throw new InvalidOperationException("fault failed");
                kernel.Madvise(task, v + first * Page, pages / 2 * Page, shared ? Kernel.MadvRemove : Kernel.MadvDontneed);
                return (int)(pages / 2);
            });
        }
        var rng = new Random(42);
        runner.Writer(owner, task =>
        {
            ulong start = (ulong)rng.Next(0, (int)pages - 1);
            ulong len = (ulong)rng.Next(1, (int)(pages - start) + 1);
            int mode = rng.Next(4) switch { 0 => 3, 1 => 2, 2 => 1, _ => 0 };
            ulong mask = mode == 0 ? 0 : (ulong)rng.Next(1, 16);
            int r = kernel.Mbind(task, v + start * Page, len * Page, mode, mode == 0 ? null : [mask], UserNodeMask.OneWordMaxNode, 0);
            if (r != 0) throw new InvalidOperationException($"mbind: {Errno.Name(r)}");
        });
        return runner;
    }

    [Theory]
    [InlineData(RefScheme.Lookup, MmapLockKind.Rwsem, true)]
    [InlineData(RefScheme.Lookup, MmapLockKind.PerVma, true)]
    [InlineData(RefScheme.VmaHeldGraveyard, MmapLockKind.Rwsem, true)]
    [InlineData(RefScheme.VmaHeldGraveyard, MmapLockKind.PerVma, true)]
    [InlineData(RefScheme.VmaHeldEpoch, MmapLockKind.Rwsem, true)]
    [InlineData(RefScheme.VmaHeldEpoch, MmapLockKind.PerVma, true)]
    [InlineData(RefScheme.Lookup, MmapLockKind.Rwls, false)]
    [InlineData(RefScheme.Lookup, MmapLockKind.Rwsem, false)]
    [InlineData(RefScheme.Lookup, MmapLockKind.PerVma, false)]
    public void SafeSchemesShowNoFindingUnderMbindChurnInOneMm(RefScheme scheme, MmapLockKind kind, bool shared)
    {
        var runner = ThreadChurn(scheme, kind, shared);
        var audit = runner.Run(200_000);
        output.WriteLine($"{runner.Faults} faults: {audit}");
        Assert.True(runner.Faults >= 200_000, $"the run stopped after {runner.Faults} faults");
        Assert.True(audit.Findings == 0, audit.ToString());
    }
}
