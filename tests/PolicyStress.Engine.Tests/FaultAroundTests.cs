using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine.Tests;

/// <summary>Read faults that map more or less than one page: fault-around in shared anonymous memory and
/// the zero page in private anonymous memory (both seen on kernel 6.18 by the conformance driver).</summary>
public class FaultAroundTests
{
    private const ulong Page = Kernel.PageSize;

    [Fact]
    public void SharedAnonymousReadFaultMapsCachedNeighboursAndDontneedUnmapsThem()
    {
        var k = new Kernel(NumaTopology.SingleNode(1));
        var t = k.CreateProcess(0);
        ulong a = (ulong)k.Mmap(t, 0x10_0000_1000, 7 * Page, Kernel.MapShared | Kernel.MapAnonymous | Kernel.MapFixed);
        Assert.Equal(0, k.Fault(t, a + 4 * Page, write: true));
        Assert.Equal(0, k.Fault(t, a + 2 * Page, write: false));
        Assert.Contains("dirty=1 mapped=2 N0=2", k.NumaMaps(t, t));
        Assert.Equal(0, k.Madvise(t, a, 4 * Page, Kernel.MadvDontneed));
        string maps = k.NumaMaps(t, t);
        Assert.Contains(" dirty=1 N0=1 ", maps);
    }

    [Fact]
    public void DontneedFromAHoleOrAnotherVmaStillZapsTheSharedPages()
    {
        var k = new Kernel(NumaTopology.SingleNode(1));
        var t = k.CreateProcess(0);
        ulong r = (ulong)k.Mmap(t, 0x10_0000_0000, 64 * Page, Kernel.MapPrivate | Kernel.MapAnonymous | Kernel.MapFixed);
        ulong a = (ulong)k.Mmap(t, r + 9 * Page, 7 * Page, Kernel.MapShared | Kernel.MapAnonymous | Kernel.MapFixed);
        Assert.Equal(0, k.Fault(t, a + 4 * Page, write: true));
        Assert.Equal(0, k.Fault(t, a + 2 * Page, write: false));
        Assert.Equal(0, k.Madvise(t, a - Page, 5 * Page, Kernel.MadvDontneed));
        Assert.Contains(" dirty=1 N0=1 ", k.NumaMaps(t, t));
        // A read of the still-mapped page 4 is no fault, so it does not fault page 2 back in around it.
        Assert.Equal(0, k.Fault(t, a + 4 * Page, write: false));
        Assert.Contains(" dirty=1 N0=1 ", k.NumaMaps(t, t));
    }

    [Fact]
    public void PrivateAnonymousReadFaultMapsTheZeroPageAndTheFirstWriteAllocates()
    {
        var k = new Kernel(NumaTopology.Uniform(2, 1));
        var t = k.CreateProcess(1);
        ulong a = (ulong)k.Mmap(t, 0, 4 * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        Assert.Equal(0, k.Fault(t, a, write: false));    // the zero page lives on the first memory node
        Assert.Equal(0, t.Counters.Allocations);
        Assert.DoesNotContain("anon=", k.NumaMaps(t, t));
        Assert.Equal(1, k.Fault(t, a, write: true));     // copy-on-write from the zero page: allocated locally
        Assert.Equal(1, t.Counters.Allocations);
        Assert.Contains("anon=1 dirty=1 N1=1", k.NumaMaps(t, t));
    }

    [Fact]
    public void WithoutTheZeroPageAPrivateAnonymousReadFaultAllocatesByPolicyAndDirties()
    {
        var k = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig { ZeroPage = false });
        var t = k.CreateProcess(1);
        ulong a = (ulong)k.Mmap(t, 0, 4 * Page, Kernel.MapPrivate | Kernel.MapAnonymous);
        Assert.Equal(1, k.Fault(t, a, write: false));    // allocated like a write: the local node
        Assert.Equal(1, t.Counters.Allocations);
        Assert.Contains("anon=1 dirty=1 N1=1", k.NumaMaps(t, t));
        Assert.Equal(1, k.Fault(t, a, write: true));     // already mapped writable: no second allocation
        Assert.Equal(1, t.Counters.Allocations);
    }
}
