using PolicyStress.Engine.Refcounting;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// <see cref="FaultCostKind.Kernel"/>: the kernel-shaped costs take the per-inode locks they name, as often
/// as the kernel does — once each per allocating fault (6.x), info->lock twice in 2.6.23's shmem_getpage —
/// and the isolated model takes none of them.
/// </summary>
public class KernelFaultCostTests
{
    private const int Pages = 128;

    private static (Kernel K, AddressSpaces.TaskStruct T, Ipc.ShmSegment Seg, ulong Addr) Segment(FaultCostKind cost, RefScheme scheme = RefScheme.Lookup)
    {
        var k = FourNodes(new KernelConfig { Scheme = scheme, FaultCost = cost, PrivateWorkIterations = 10 });
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, Pages);
        Assert.Equal(0, k.Mbind(t, addr, Pages * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        return (k, t, seg, addr);
    }

    private static void FaultAll(Kernel k, AddressSpaces.TaskStruct t, ulong addr)
    {
        for (int i = 0; i < Pages; i++) Assert.True(k.Fault(t, addr + (ulong)i * Page) >= 0);
    }

    [Fact]
    public void EachAllocatingFaultTakesXaLockAndInfoLockOnceAndAPresentPageTakesNeither()
    {
        var (k, t, seg, addr) = Segment(FaultCostKind.Kernel);
        var locks = seg.Object.InodeLocks!;
        FaultAll(k, t, addr);
        Assert.Equal(Pages, t.Counters.Allocations);
        Assert.Equal(Pages, locks.XaLockAcquisitions);     // shmem_add_to_page_cache
        Assert.Equal(Pages, locks.InfoLockAcquisitions);   // shmem_recalc_inode
        Assert.Equal(0, locks.IRwsemAcquisitions);         // faults never take the inode lock
        Assert.Equal(0, locks.IMmapAcquisitions);

        FaultAll(k, t, addr);   // every page is mapped already: no fault work at all
        Assert.Equal(Pages, locks.XaLockAcquisitions);
        Assert.Equal(Pages, locks.InfoLockAcquisitions);
        AssertClean(k);
    }

    [Fact]
    public void APunchTakesTheInodeLockAndIMmapOnceThenRemovesUnderXaLockAndRecalculates()
    {
        var (k, t, seg, addr) = Segment(FaultCostKind.Kernel);
        var locks = seg.Object.InodeLocks!;
        FaultAll(k, t, addr);
        Assert.Equal(0, k.Madvise(t, addr, Pages * Page, Kernel.MadvRemove));

        Assert.Equal(1, locks.IRwsemAcquisitions);            // shmem_fallocate: inode_lock
        Assert.Equal(1, locks.IMmapAcquisitions);             // unmap_mapping_range: i_mmap_lock_read
        Assert.Equal(Pages + 1, locks.XaLockAcquisitions);    // shmem_truncate_range's removal
        Assert.Equal(Pages + 1, locks.InfoLockAcquisitions);  // and its shmem_recalc_inode
        Assert.Equal(0, seg.Object.PresentPages);
        FaultAll(k, t, addr);   // the next pass allocates again, through the locks again
        Assert.Equal(2 * Pages + 1, locks.XaLockAcquisitions);
        AssertClean(k);
    }

    [Fact]
    public void The2007FaultTakesInfoLockTwiceAndTreeLockOnce()
    {
        var (k, t, seg, addr) = Segment(FaultCostKind.Kernel, RefScheme.Lookup2007);
        var locks = seg.Object.InodeLocks!;
        FaultAll(k, t, addr);
        Assert.Equal(Pages, t.Counters.Allocations);
        Assert.Equal(2 * Pages, locks.InfoLockAcquisitions);   // shmem_getpage: the lookup, then the insert
        Assert.Equal(Pages, locks.XaLockAcquisitions);         // add_to_page_cache: tree_lock
        AssertClean(k);
    }

    [Fact]
    public void TheIsolatedModelTakesNoneOfTheInodeLocks()
    {
        var (k, t, seg, addr) = Segment(FaultCostKind.Isolated);
        var locks = seg.Object.InodeLocks!;
        FaultAll(k, t, addr);
        Assert.Equal(0, k.Madvise(t, addr, Pages * Page, Kernel.MadvRemove));

        Assert.Equal(0, locks.XaLockAcquisitions + locks.InfoLockAcquisitions + locks.IRwsemAcquisitions + locks.IMmapAcquisitions);
        Assert.Equal(Pages, t.Counters.Allocations);
    }

    [Fact]
    public void KernelShapedFaultsAllocateNothing()
    {
        var (k, t, _, addr) = Segment(FaultCostKind.Kernel);
        for (int pass = 0; pass < 3; pass++)   // warm-up: JIT and tiering
        {
            FaultAll(k, t, addr);
            Assert.Equal(0, k.Madvise(t, addr, Pages * Page, Kernel.MadvRemove));
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int pass = 0; pass < 10; pass++)
        {
            for (int i = 0; i < Pages; i++) k.Fault(t, addr + (ulong)i * Page);
            k.Madvise(t, addr, Pages * Page, Kernel.MadvRemove);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PrivateWorkIsADeterministicChain()
    {
        Assert.Equal(5, Kernel.PrivateWork(0, 5));
        Assert.Equal(Kernel.PrivateWork(3, Kernel.PrivateWork(2, 9)), Kernel.PrivateWork(5, 9));
        Assert.NotEqual(Kernel.PrivateWork(1, 9), Kernel.PrivateWork(2, 9));
    }
}
