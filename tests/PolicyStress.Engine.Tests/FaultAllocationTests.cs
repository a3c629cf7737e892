using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// The fault path allocates nothing on the managed heap (DESIGN.md "Hot path rules"): after a warm-up,
/// 10,000 faults that each allocate a page through a policy show zero bytes allocated by this thread.
/// </summary>
public class FaultAllocationTests
{
    private const int Pages = 1000, Passes = 10;

    private static long AllocatedByFaults(Kernel k, AddressSpaces.TaskStruct t, ulong addr, int advice)
    {
        long total = 0;
        for (int pass = 0; pass < Passes; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Pages; i++)
                if (k.Fault(t, addr + (ulong)i * Page) < 0) throw new InvalidOperationException("fault failed");
            total += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, k.Madvise(t, addr, Pages * Page, advice));   // drop the pages: the next pass allocates again
        }
        return total;
    }

    private static void Run(Kernel k, AddressSpaces.TaskStruct t, ulong addr, int advice)
    {
        AllocatedByFaults(k, t, addr, advice);   // warm-up: JIT, tiering, per-thread lock state
        long before = t.Counters.Allocations;
        Assert.Equal(0L, AllocatedByFaults(k, t, addr, advice));
        Assert.Equal(Pages * Passes, t.Counters.Allocations - before);   // every fault went through a policy
    }

    [Fact]
    public void ShmemFaultsThroughATreePolicyAllocateNothing()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, Pages);
        Assert.Equal(0, k.Mbind(t, addr, Pages / 2 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, addr + Pages / 2 * Page, Pages / 2 * Page, Bind, Mask(2), MaxNode, 0));
        Assert.Equal(2, seg.Object.Policy!.Count);
        Run(k, t, addr, Kernel.MadvRemove);
        AssertClean(k);
    }

    [Fact]
    public void AnonFaultsThroughAVmaPolicyAllocateNothing()
    {
        var k = FourNodes();
        var t = k.CreateProcess(1);
        ulong addr = MapAnon(k, t, Pages);
        Assert.Equal(0, k.Mbind(t, addr, Pages * Page, WeightedInterleave, Mask(0, 1, 3), MaxNode, 0));
        Run(k, t, addr, Kernel.MadvDontneed);
        AssertClean(k);
    }

    [Fact]
    public void FaultsWithoutAnyPolicyAllocateNothing()
    {
        var k = FourNodes();
        var t = k.CreateProcess(2);
        ulong addr = MapAnon(k, t, Pages);
        Run(k, t, addr, Kernel.MadvDontneed);
        var (seg, shm) = NewSegment(k, t, Pages);   // shmem without a tree: lookup finds nothing, task policy
        Assert.Equal(0, seg.Object.Policy!.Count);
        Run(k, t, shm, Kernel.MadvRemove);
        AssertClean(k);
    }
}
