using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Topology;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>Where pages land: interleave indices, weighted interleave, and the distance fallback of each mode.</summary>
public class PagePlacementTests
{
    private static int[] FaultAll(Kernel k, TaskStruct t, ulong addr, int pages)
    {
        var nodes = new int[pages];
        for (int i = 0; i < pages; i++) nodes[i] = k.Fault(t, addr + (ulong)i * Page);
        return nodes;
    }

    private static int[] Histogram(IEnumerable<int> nodes, int n)
    {
        var h = new int[n];
        foreach (int x in nodes) h[x]++;
        return h;
    }

    [Fact]
    public void SharedInterleaveFollowsTheOffsetWhicheverTaskFaults()
    {
        // numactl's tshared: two processes attach one segment with an interleave policy over 4 nodes and
        // fault alternate pages; page i's node is (bias + i) mod 4 whoever touches it.
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(3);
        const int pages = 64;
        var (seg, a1) = NewSegment(k, t1, pages);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Mbind(t1, a1, pages * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        var nodes = new int[pages];
        for (int i = 0; i < pages; i++)
            nodes[i] = i % 2 == 0 ? k.Fault(t1, a1 + (ulong)i * Page) : k.Fault(t2, a2 + (ulong)i * Page);
        for (int i = 0; i < pages; i++) Assert.Equal((nodes[0] + i) % 4, nodes[i]);
        Assert.Equal((int)(seg.Object.Ino % 4), nodes[0]);   // since 3.6 the index is biased by i_ino
        Assert.Equal([16, 16, 16, 16], Histogram(nodes, 4));
        // a second read through the other attach finds the same pages
        for (int i = 0; i < pages; i++)
            Assert.Equal(nodes[i], i % 2 == 0 ? k.Fault(t2, a2 + (ulong)i * Page, write: false) : k.Fault(t1, a1 + (ulong)i * Page, write: false));
        AssertClean(k);
    }

    [Fact]
    public void InterleaveOverASubsetWalksItsSetBits()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (_, addr) = NewSegment(k, t, 16);
        Assert.Equal(0, k.Mbind(t, addr, 16 * Page, Interleave, Mask(1, 3), MaxNode, 0));
        var nodes = FaultAll(k, t, addr, 16);
        Assert.All(nodes, n => Assert.Contains(n, new[] { 1, 3 }));
        for (int i = 1; i < 16; i++) Assert.NotEqual(nodes[i - 1], nodes[i]);
        AssertClean(k);
    }

    [Fact]
    public void AnonInterleaveUsesTheVirtualPageNumber()
    {
        var k = FourNodes();
        var t = k.CreateProcess(1);
        ulong addr = MapAnon(k, t, 32);
        Assert.Equal(0, k.Mbind(t, addr + 4 * Page, 20 * Page, Interleave, Mask(0, 1, 2), MaxNode, 0));
        // fault backwards: the node depends on the address, not on the order of faults
        var nodes = new int[20];
        for (int i = 19; i >= 0; i--) nodes[i] = k.Fault(t, addr + (ulong)(4 + i) * Page);
        for (int i = 0; i < 20; i++) Assert.Equal((int)(((addr >> Kernel.PageShift) + 4 + (ulong)i) % 3), nodes[i]);
        Assert.Equal(1, k.Fault(t, addr));   // outside the range: local
        AssertClean(k);
    }

    [Fact]
    public void TaskInterleaveIsARoundRobin()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(0, 2, 3), MaxNode));
        var seq = Enumerable.Range(0, 9).Select(_ => k.AllocTaskPage(t)).ToArray();
        Assert.Equal([0, 2, 3, 0, 2, 3, 0, 2, 3], seq);
        // get_mempolicy(MPOL_F_NODE) without an address names the next node of the round robin
        Assert.Equal(0, k.GetMempolicy(t, out int next, null, 0, 0, MpolFlags.FNode));
        Assert.Equal(0, next);
        // set_mempolicy restarts the walk
        k.AllocTaskPage(t);
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(1, 2), MaxNode));
        Assert.Equal(1, k.AllocTaskPage(t));
        AssertClean(k);
    }

    private static Kernel Weighted(byte[] weights) =>
        new(new NumaTopology(Enumerable.Range(0, weights.Length).ToArray(), NumaTopology.Uniform(weights.Length, 1).Distance, weights: weights));

    [Fact]
    public void WeightedInterleaveSplitsASharedSegmentByTheWeights()
    {
        var k = Weighted([3, 1, 2]);
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(2);
        const int pages = 600;
        var (seg, a1) = NewSegment(k, t1, pages);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Mbind(t1, a1, pages * Page, WeightedInterleave, Mask(0, 1, 2), MaxNode, 0));
        var nodes = new int[pages];
        for (int i = 0; i < pages; i++)
            nodes[i] = i % 3 == 0 ? k.Fault(t2, a2 + (ulong)i * Page) : k.Fault(t1, a1 + (ulong)i * Page);
        Assert.Equal([300, 100, 200], Histogram(nodes, 3));
        // the pattern repeats every Σw = 6 pages, from the inode bias on
        ulong bias = (ulong)seg.Object.Ino;
        int[] cycle = [0, 0, 0, 1, 2, 2];
        for (int i = 0; i < pages; i++) Assert.Equal(cycle[(bias + (ulong)i) % 6], nodes[i]);
        AssertClean(k);
    }

    [Fact]
    public void WeightedInterleaveCountsAZeroWeightAsOne()
    {
        var k = Weighted([0, 4, 1, 2]);   // weight 0 counts as 1
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 800);
        Assert.Equal(0, k.Mbind(t, addr, 800 * Page, WeightedInterleave, Mask(0, 1, 3), MaxNode, 0));
        var nodes = FaultAll(k, t, addr, 800);
        Assert.Equal([800 / 7, 800 / 7 * 4, 0, 800 / 7 * 2], Histogram(nodes.Take(7 * (800 / 7)), 4));
        AssertClean(k);
    }

    [Fact]
    public void WeightedInterleaveTaskPolicyGivesEachNodeItsWeightInTurn()
    {
        var k = Weighted([3, 1, 2]);
        var t = k.CreateProcess(1);
        Assert.Equal(0, k.SetMempolicy(t, WeightedInterleave, Mask(0, 1, 2), MaxNode));
        var seq = Enumerable.Range(0, 600).Select(_ => k.AllocTaskPage(t)).ToArray();
        Assert.Equal([0, 0, 0, 1, 2, 2, 0, 0, 0, 1, 2, 2], seq.Take(12));
        Assert.Equal([300, 100, 200], Histogram(seq, 3));
        // two pages into node 0's turn, get_mempolicy(MPOL_F_NODE) still names node 0
        k.AllocTaskPage(t);
        k.AllocTaskPage(t);
        Assert.Equal(0, k.GetMempolicy(t, out int next, null, 0, 0, MpolFlags.FNode));
        Assert.Equal(0, next);
        Assert.Equal(0, k.AllocTaskPage(t));
        Assert.Equal(1, k.AllocTaskPage(t));
        AssertClean(k);
    }

    [Fact]
    public void PreferredSpillsToTheNearestNodeOfThePreferredNode()
    {
        var k = new Kernel(Skewed(capacityPerNode: 4));
        var t = k.CreateProcess(0);
        ulong addr = MapAnon(k, t, 20);
        Assert.Equal(0, k.Mbind(t, addr, 20 * Page, Preferred, Mask(2), MaxNode, 0));
        var nodes = FaultAll(k, t, addr, 17);
        // node 2's zonelist is 2,1,3,0 — not the task's local node 0 first
        Assert.Equal([2, 2, 2, 2, 1, 1, 1, 1, 3, 3, 3, 3, 0, 0, 0, 0, -Errno.ENOMEM], nodes);
        // freeing pages gives the capacity back
        Assert.Equal(0, k.Munmap(t, addr, 2 * Page));
        Assert.Equal(2, k.Fault(t, addr + 16 * Page));
        AssertClean(k);
    }

    [Fact]
    public void BindPicksTheNearestMaskNodeToTheLocalNodeAndNeverLeavesTheMask()
    {
        var k = new Kernel(Skewed(capacityPerNode: 4));
        var t0 = k.CreateProcess(0);
        var t2 = k.CreateProcess(2);
        ulong a0 = MapAnon(k, t0, 10);
        Assert.Equal(0, k.Mbind(t0, a0, 10 * Page, Bind, Mask(1, 3), MaxNode, 0));
        // node 0's zonelist is 0,3,1,2: within {1,3}, node 3 first (numeric order would give 1)
        Assert.Equal([3, 3, 3, 3, 1, 1, 1, 1, -Errno.ENOMEM, -Errno.ENOMEM], FaultAll(k, t0, a0, 10));
        // node 0 and node 2 still have room: bind does not use them
        ulong a2 = MapAnon(k, t2, 3);
        Assert.Equal(0, k.Mbind(t2, a2, 3 * Page, Bind, Mask(0, 2), MaxNode, 0));
        Assert.Equal([2, 2, 2], FaultAll(k, t2, a2, 3));   // the local node first when it is in the mask
        AssertClean(k);
    }

    [Fact]
    public void Bind2007TriesNodesInNumericOrder()
    {
        var k = new Kernel(Skewed(capacityPerNode: 2), new KernelConfig { Scheme = Refcounting.RefScheme.Lookup2007 });
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 5);
        Assert.Equal(0, k.Mbind(t, a, 5 * Page, Bind, Mask(1, 3), MaxNode, 0));
        Assert.Equal([1, 1, 3, 3, -Errno.ENOMEM], FaultAll(k, t, a, 5));
        AssertClean(k);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AllocationsStayInTheCpuset(bool era2007)
    {
        // The allocator is hardwalled to mems_allowed (prepare_alloc_pages / 2.6.23 ALLOC_CPUSET); tree
        // policies are never rebound, so a segment's policies can name nodes the cpuset no longer has.
        var k = FourNodes(era2007 ? new KernelConfig { Scheme = Refcounting.RefScheme.Lookup2007 } : null);
        var installer = k.CreateProcess(0);
        var (seg, v) = NewSegment(k, installer, 8);
        Assert.Equal(0, k.Mbind(installer, v, Page, Bind, Mask(0), MaxNode, 0));
        Assert.Equal(0, k.Mbind(installer, v + Page, Page, Bind, Mask(1, 3), MaxNode, 0));
        Assert.Equal(0, k.Mbind(installer, v + 2 * Page, Page, Preferred, Mask(0), MaxNode, 0));
        Assert.Equal(0, k.Mbind(installer, v + 3 * Page, Page, Preferred, Mask(3), MaxNode, 0));
        Assert.Equal(0, k.Mbind(installer, v + 4 * Page, 2 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        var t = k.CreateProcess(0);   // node 0's zonelist: 0, 1, 2, 3
        ulong a = (ulong)k.Shmat(t, seg.Id, 0, 0);
        k.CpusetSetMems([t], NodeMask.Of(2, 3));
        Assert.Equal(2, k.Fault(t, a));              // bind {0}: no node left, the mask is not applied; local zonelist
        Assert.Equal(3, k.Fault(t, a + Page));       // bind {1,3}: what is left of it
        Assert.Equal(2, k.Fault(t, a + 2 * Page));   // preferred 0: its zonelist, cut to {2,3}
        Assert.Equal(3, k.Fault(t, a + 3 * Page));
        Assert.Equal(2, k.Fault(t, a + 4 * Page));   // interleave {0,1}: either node's zonelist, cut
        Assert.Equal(2, k.Fault(t, a + 5 * Page));
        Assert.Equal(2, k.Fault(t, a + 6 * Page));   // no policy: local
        Assert.Equal(2, k.AllocTaskPage(t));
        AssertClean(k);
    }

    [Fact]
    public void LocalFallsBackByDistance()
    {
        var k = new Kernel(Skewed(capacityPerNode: 3));
        var t = k.CreateProcess(1);
        ulong a = MapAnon(k, t, 13);
        // no policy at all: preferred_node_policy[1] — node 1's zonelist is 1,2,0,3
        Assert.Equal([1, 1, 1, 2, 2, 2, 0, 0, 0, 3, 3, 3, -Errno.ENOMEM], FaultAll(k, t, a, 13));

        var k2 = new Kernel(Skewed(capacityPerNode: 2));
        var t3 = k2.CreateProcess(3);
        Assert.Equal(0, k2.SetMempolicy(t3, Local, null, 0));
        ulong b = MapAnon(k2, t3, 8);
        Assert.Equal([3, 3, 0, 0, 2, 2, 1, 1], FaultAll(k2, t3, b, 8));   // node 3: 3,0,2,1
        AssertClean(k);
        AssertClean(k2);
    }

    [Fact]
    public void PreferredManyTriesTheMaskFirstThenAnything()
    {
        var k = new Kernel(Skewed(capacityPerNode: 2));
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 9);
        Assert.Equal(0, k.Mbind(t, a, 9 * Page, PreferredMany, Mask(1, 2), MaxNode, 0));
        // inside {1,2} from node 0's zonelist (0,3,1,2): 1 then 2; then anything: 0 then 3
        Assert.Equal([1, 1, 2, 2, 0, 0, 3, 3, -Errno.ENOMEM], FaultAll(k, t, a, 9));
        AssertClean(k);
    }

    [Fact]
    public void InterleaveFallsBackFromTheInterleaveNode()
    {
        var k = new Kernel(Skewed(capacityPerNode: 2));
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 8);
        Assert.Equal(0, k.Mbind(t, a, 8 * Page, Interleave, Mask(1, 2), MaxNode, 0));
        var nodes = FaultAll(k, t, a, 8);
        Assert.Equal([2, 2], Histogram(nodes.Take(4), 4).Skip(1).Take(2));
        // once 1 and 2 are full, each page starts at its interleave node's zonelist (1: 1,2,0,3; 2: 2,1,3,0)
        int firstNode = (int)((a >> Kernel.PageShift) % 2) == 0 ? 1 : 2;
        int[] expectTail = firstNode == 1 ? [0, 3, 0, 3] : [3, 0, 3, 0];
        Assert.Equal(expectTail, nodes.Skip(4));
        AssertClean(k);
    }

    [Fact]
    public void ZonelistsAreNearestFirst()
    {
        var topo = Skewed();
        Assert.Equal([0, 3, 1, 2], topo.Zonelists[0]);
        Assert.Equal([1, 2, 0, 3], topo.Zonelists[1]);
        Assert.Equal([2, 1, 3, 0], topo.Zonelists[2]);
        Assert.Equal([3, 0, 2, 1], topo.Zonelists[3]);
        // a memoryless node is never a target, even for its own CPUs
        var noMem = new NumaTopology([0, 1], new[,] { { 10, 20 }, { 20, 10 } }, memoryNodes: NodeMask.Of(0));
        Assert.Equal([0], noMem.Zonelists[1]);
        var k = new Kernel(noMem);
        var t = k.CreateProcess(1);
        ulong a = MapAnon(k, t, 1);
        Assert.Equal(0, k.Fault(t, a));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind, Mask(1), MaxNode));
    }
}
