using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>set_mempolicy(2) and the rules of mpol_new()/mpol_set_nodemask() (kernel-mempolicy.md §2.3).</summary>
public class MempolicyTests
{
    private static (int Err, int Mode, ulong Mask) Read(Kernel k, PolicyStress.Engine.AddressSpaces.TaskStruct t)
    {
        var nm = new ulong[1];
        int err = k.GetMempolicy(t, out int mode, nm, MaxNode, 0, 0);
        return (err, mode, nm[0]);
    }

    [Fact]
    public void PreferredWithAnEmptyMaskBecomesLocal()
    {
        var k = FourNodes();
        var t = k.CreateProcess(2);
        Assert.Equal(0, k.SetMempolicy(t, Preferred, null, 0));
        Assert.Equal((0, Local, 0UL), Read(k, t));
        Assert.Equal(MempolicyMode.Local, t.Policy!.Mode);
        Assert.Equal("local", t.Policy.ToString());
        Assert.Equal(2, k.AllocTaskPage(t));
        // an all-zero mask is the same as none; but static/relative with it is EINVAL
        Assert.Equal(0, k.SetMempolicy(t, Preferred, Mask(), MaxNode));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Preferred | MpolFlags.StaticNodes, null, 0));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Preferred | MpolFlags.RelativeNodes, Mask(), MaxNode));
        AssertClean(k);
    }

    [Fact]
    public void LocalTakesNoMaskAndNoFlags()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Local, Mask(1), MaxNode));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Local | MpolFlags.StaticNodes, null, 0));
        Assert.Equal((0, Default, 0UL), Read(k, t));   // failed calls leave the task at default
        Assert.Equal(0, k.SetMempolicy(t, Local, null, 0));
        Assert.Equal((0, Local, 0UL), Read(k, t));
        Assert.Equal(0, k.SetMempolicy(t, Default, null, 0));
        Assert.Null(t.Policy);
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Default, Mask(0), MaxNode));
        AssertClean(k);
    }

    [Fact]
    public void BadModeFlagCombinationsAreEinvalAndGoodOnesReadBack()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind | MpolFlags.StaticNodes | MpolFlags.RelativeNodes, Mask(0), MaxNode));
        foreach (int mode in new[] { Preferred, Interleave, WeightedInterleave, Local, Default })
            Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, mode | MpolFlags.NumaBalancing, mode is Local or Default ? null : Mask(0), MaxNode));
        Assert.Equal(0, k.SetMempolicy(t, Bind | MpolFlags.NumaBalancing, Mask(0, 1), MaxNode));
        Assert.Equal((0, Bind | MpolFlags.NumaBalancing, 3UL), Read(k, t));   // MOF/MORON never reach user space
        Assert.Equal("bind=balancing:0-1", t.Policy!.ToString());
        Assert.Equal(0, k.SetMempolicy(t, PreferredMany | MpolFlags.NumaBalancing, Mask(2, 3), MaxNode));
        Assert.Equal("prefer (many)=balancing:2-3", t.Policy!.ToString());
        Assert.Equal(0, k.SetMempolicy(t, Bind | MpolFlags.StaticNodes | MpolFlags.NumaBalancing, Mask(1), MaxNode));
        Assert.Equal("bind=static|balancing:1", t.Policy!.ToString());
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, 7, Mask(0), MaxNode));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, 1 << 12, Mask(0), MaxNode));
        AssertClean(k);
    }

    [Fact]
    public void StaticNodesKeepTheUserMask()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(0, k.SetMempolicy(t, Bind | MpolFlags.StaticNodes, Mask(1, 5), MaxNode));
        Assert.Equal(NodeMask.Of(1), t.Policy!.Nodes);
        Assert.Equal((0, Bind | MpolFlags.StaticNodes, 0b100010UL), Read(k, t));
        Assert.Equal("bind=static:1", t.Policy.ToString());
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind | MpolFlags.StaticNodes, Mask(5), MaxNode));
        // preferred keeps only its first node
        Assert.Equal(0, k.SetMempolicy(t, Preferred, Mask(2, 3), MaxNode));
        Assert.Equal((0, Preferred, 4UL), Read(k, t));
        Assert.Equal("prefer:2", t.Policy!.ToString());
        AssertClean(k);
    }

    [Theory]
    [InlineData(new[] { 0 }, new[] { 1 })]
    [InlineData(new[] { 1 }, new[] { 3 })]
    [InlineData(new[] { 2 }, new[] { 1 })]          // folded: 2 mod 2 = 0 → the first allowed node
    [InlineData(new[] { 3, 4 }, new[] { 1, 3 })]
    [InlineData(new[] { 0, 1, 2 }, new[] { 1, 3 })]
    [InlineData(new[] { 63 }, new[] { 3 })]
    public void RelativeNodesFoldOntoMemsAllowed(int[] user, int[] effective)
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        t.MemsAllowed = NodeMask.Of(1, 3);   // a cpuset with nodes 1 and 3
        Assert.Equal(0, k.SetMempolicy(t, Interleave | MpolFlags.RelativeNodes, Mask(user), MaxNode));
        Assert.Equal(NodeMask.Of(effective), t.Policy!.Nodes);
        Assert.Equal((0, Interleave | MpolFlags.RelativeNodes, NodeMask.Of(user).Bits), Read(k, t));
        Assert.Equal($"interleave=relative:{NodeMask.Of(effective)}", t.Policy.ToString());
        AssertClean(k);
    }

    [Fact]
    public void PlainMasksAreIntersectedWithMemsAllowed()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        t.MemsAllowed = NodeMask.Of(1, 3);
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind, Mask(0, 2), MaxNode));
        Assert.Equal(0, k.SetMempolicy(t, Bind, Mask(0, 1, 2), MaxNode));
        Assert.Equal((0, Bind, 2UL), Read(k, t));
        var nm = new ulong[1];
        Assert.Equal(0, k.GetMempolicy(t, out _, nm, MaxNode, 0, MpolFlags.FMemsAllowed));
        Assert.Equal(0b1010UL, nm[0]);
        AssertClean(k);
    }

    [Fact]
    public void GetMempolicyReadsTheVmaPolicyUnderTheMmapLock()
    {
        // do_get_mempolicy(): MPOL_F_ADDR keeps mmap_read_lock until the mode and mask are read; only
        // MPOL_F_NODE drops it, after an mpol_get() of its own, to fault the page in (lookup_node). (No zero
        // page, so that the read fault allocates by the policy.)
        var k = FourNodes(new KernelConfig { ZeroPage = false });
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 1);
        Assert.Equal(0, k.Mbind(t, a, Page, Interleave, Mask(0, 1), MaxNode, 0));
        var seen = new List<(bool Locked, int Refs)>();
        k.PausePoint = (_, pol) => seen.Add((t.Mm.MmapLock.IsReadLockHeld, pol.RefCount));
        Assert.Equal((0, Interleave, 3UL), PolicyAt(k, t, a));
        Assert.Equal([(true, 1)], seen);
        seen.Clear();
        Assert.Equal(0, k.GetMempolicy(t, out int node, null, 0, a, MpolFlags.FAddr | MpolFlags.FNode));
        k.PausePoint = null;
        // get_mempolicy's own read under the lock, then the fault's, with the explicit reference held
        Assert.Equal([(true, 1), (true, 2)], seen);
        Assert.Equal(1, t.Mm.VmaList[0].VmPolicy!.RefCount);
        Assert.True(node is 0 or 1);
        AssertClean(k);
    }

    [Fact]
    public void SetMempolicyReplacesAndDropsTheOldPolicy()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(0, 1), MaxNode));
        var first = t.Policy!;
        Assert.Equal(1, first.RefCount);
        Assert.Equal(0, k.SetMempolicy(t, Bind, Mask(2), MaxNode));
        Assert.Equal(0, first.RefCount);
        Assert.Equal(1, t.Policy!.RefCount);
        k.Exit(t);
        AssertClean(k);
    }
}
