using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>shared_policy_replace(): the worked examples of kernel-mempolicy.md §4.7, through mbind and direct.</summary>
public class ReplaceTests
{
    private static List<(ulong, ulong, string)> Tree(SharedPolicies.SharedPolicy sp) =>
        sp.Nodes().ConvertAll(n => (n.Start, n.End, PolicyText.ToKernelString(n.Policy)));

    private static void AssertIdleRefcounts(SharedPolicies.SharedPolicy sp)
    {
        var nodes = sp.Nodes();
        foreach (var n in nodes)
        {
            Assert.Equal(1, n.RefCount);
            Assert.True(n.Policy.IsShared, $"[{n.Start},{n.End}) policy lacks MPOL_F_SHARED");
        }
        // Each node owns its own object (mpol_dup in sp_alloc since 869833f2c5c6).
        Assert.Equal(nodes.Count, nodes.Select(n => n.Policy).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Fact]
    public void WorkedExampleThroughMbindLeavesTheDocumentedTrees()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, 100);
        var sp = seg.Object.Policy!;

        Assert.Equal(0, k.Mbind(t, addr + 10 * Page, 20 * Page, Interleave, Mask(0, 1), MaxNode, 0));   // A
        Assert.Equal([(10UL, 30UL, "interleave:0-1")], Tree(sp));
        AssertIdleRefcounts(sp);

        Assert.Equal(0, k.Mbind(t, addr + 50 * Page, 30 * Page, Bind, Mask(2), MaxNode, 0));           // B
        Assert.Equal([(10UL, 30UL, "interleave:0-1"), (50UL, 80UL, "bind:2")], Tree(sp));
        AssertIdleRefcounts(sp);

        Assert.Equal(0, k.Mbind(t, addr + 20 * Page, 40 * Page, Preferred, Mask(3), MaxNode, 0));      // C
        // Through mbind the tree is written vma by vma: [20,30) from the piece of A's vma, then [30,60) from the
        // default vma merged with the head of B's (a SysV shm vma is never merged away whole, but may grow or
        // shrink). The ranges and policies are those of the worked example; the [20,60) node comes in two.
        Assert.Equal([(10UL, 20UL, "interleave:0-1"), (20UL, 30UL, "prefer:3"), (30UL, 60UL, "prefer:3"), (60UL, 80UL, "bind:2")], Tree(sp));
        AssertIdleRefcounts(sp);

        Assert.Equal(0, k.Mbind(t, addr, 100 * Page, Default, null, 0, 0));
        Assert.Empty(sp.Nodes());
        // Every piece went back to "no policy" but stays a vma of its own: a merge may not delete a SysV shm
        // vma (shm_vm_ops has a close hook), as kernel 6.18's numa_maps shows.
        Assert.All(t.Mm.VmaList, v => Assert.Null(v.VmPolicy));
        Assert.True(t.Mm.VmaList.Count > 1);
        AssertClean(k);
    }

    [Fact]
    public void DefaultFromAnotherAttachClearsTheSharedTree()
    {
        // task2's vma has no vm_policy; MPOL_DEFAULT equals it, so mbind_range() skips the vma (mpol_equal)
        // and the tree stays: the kernel's behaviour. A non-default policy from task2 does reach the tree.
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 100);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Mbind(t1, a1 + 10 * Page, 20 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t2, a2, 100 * Page, Default, null, 0, 0));
        Assert.Single(seg.Object.Policy!.Nodes());
        Assert.Equal(0, k.Mbind(t2, a2 + 25 * Page, 10 * Page, Bind, Mask(3), MaxNode, 0));
        Assert.Equal([(10UL, 25UL, "interleave:0-1"), (25UL, 35UL, "bind:3")], Tree(seg.Object.Policy!));
        AssertIdleRefcounts(seg.Object.Policy!);
        AssertClean(k);
    }

    [Fact]
    public void SplitMakesADistinctCopyOfTheRightRemainder()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 100);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        var sp = seg.Object.Policy!;

        Assert.Equal(0, k.Mbind(t1, a1, 100 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));        // X
        var x = Assert.Single(sp.Nodes()).Policy;
        // task2 has one vma over the whole segment: its mbind replaces exactly [40,45) in the tree.
        Assert.Equal(0, k.Mbind(t2, a2 + 40 * Page, 5 * Page, Bind, Mask(1), MaxNode, 0));             // D
        Assert.Equal([(0UL, 40UL, "interleave:0-3"), (40UL, 45UL, "bind:1"), (45UL, 100UL, "interleave:0-3")], Tree(sp));
        var nodes = sp.Nodes();
        Assert.Same(x, nodes[0].Policy);          // the left part keeps the object
        Assert.NotSame(x, nodes[2].Policy);       // X' is a copy (2013+), not the same object as in 2007
        Assert.True(Kernel.MpolEqual(x, nodes[2].Policy));
        AssertIdleRefcounts(sp);
        Assert.Equal(3, t2.Mm.VmaList.Count);
        AssertClean(k);
    }

    [Fact]
    public void DirectSetPolicyFollowsTheKernelOrder()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, _) = NewSegment(k, t, 100);
        var sp = seg.Object.Policy!;
        Mempolicy Pol(MempolicyMode mode, params int[] nodes)
        {
            var p = k.Policies.Alloc(mode, 0);
            p.Nodes = NodeMask.Of(nodes);
            return p;
        }
        var a = Pol(MempolicyMode.Interleave, 0, 1);
        var b = Pol(MempolicyMode.Bind, 2);
        var c = Pol(MempolicyMode.Preferred, 3);
        var x = Pol(MempolicyMode.Interleave, 0, 1, 2, 3);
        var d = Pol(MempolicyMode.Bind, 1);

        Assert.Equal(0, sp.SetPolicy(10, 30, a));
        Assert.Equal(0, sp.SetPolicy(50, 80, b));
        Assert.Equal(0, sp.SetPolicy(20, 60, c));
        Assert.Equal([(10UL, 20UL, "interleave:0-1"), (20UL, 60UL, "prefer:3"), (60UL, 80UL, "bind:2")], Tree(sp));
        AssertIdleRefcounts(sp);
        // The tree holds copies: the callers' objects still have only their creator's reference.
        Assert.All(new[] { a, b, c }, p => Assert.Equal(1, p.RefCount));

        Assert.Equal(0, sp.SetPolicy(0, 100, null));
        Assert.Empty(sp.Nodes());

        Assert.Equal(0, sp.SetPolicy(0, 100, x));
        Assert.Equal(0, sp.SetPolicy(40, 45, d));
        Assert.Equal([(0UL, 40UL, "interleave:0-3"), (40UL, 45UL, "bind:1"), (45UL, 100UL, "interleave:0-3")], Tree(sp));
        AssertIdleRefcounts(sp);

        // Edge cases of the walk: exact cover, head trim, tail trim, range spanning several nodes.
        Assert.Equal(0, sp.SetPolicy(40, 45, a));
        Assert.Equal(0, sp.SetPolicy(30, 42, b));
        Assert.Equal(0, sp.SetPolicy(44, 50, c));
        Assert.Equal([(0UL, 30UL, "interleave:0-3"), (30UL, 42UL, "bind:2"), (42UL, 44UL, "interleave:0-1"),
            (44UL, 50UL, "prefer:3"), (50UL, 100UL, "interleave:0-3")], Tree(sp));
        Assert.Equal(0, sp.SetPolicy(35, 60, null));
        Assert.Equal([(0UL, 30UL, "interleave:0-3"), (30UL, 35UL, "bind:2"), (60UL, 100UL, "interleave:0-3")], Tree(sp));
        AssertIdleRefcounts(sp);

        foreach (var p in new[] { a, b, c, x, d }) k.Policies.Put(p);
        Assert.Equal(0, k.Shmdt(t, t.Mm.VmaList[0].Start));
        Assert.Equal(0, k.ShmctlRmid(t, seg.Id));
        Assert.True(seg.Dead);
        AssertClean(k);
    }

    [Fact]
    public void InsertBugsOnlyWhenANodeContainsTheNewOne()
    {
        // sp_insert(): left while new.start < nd.start, right while new.end > nd.end, else BUG(). A node that
        // only overlaps a neighbour goes in silently, and the tree is corrupt (the quiescent audit sees it).
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, 100);
        var sp = seg.Object.Policy!;
        Assert.Equal(0, k.Mbind(t, addr + 10 * Page, 20 * Page, Interleave, Mask(0, 1), MaxNode, 0));   // [10,30)
        SharedPolicies.SpNode Node(ulong s, ulong e)
        {
            var p = k.Policies.Alloc(MempolicyMode.Bind, MpolFlags.Shared);
            p.Nodes = NodeMask.Of(2);
            return new SharedPolicies.SpNode(s, e, p);
        }
        sp.Insert(Node(12, 20));   // inside [10,30)
        sp.Insert(Node(10, 30));   // the same range
        Assert.Equal(2, k.Auditor.TreeErrors);
        Assert.Equal([(10UL, 30UL)], sp.Nodes().Select(n => (n.Start, n.End)));
        sp.Insert(Node(25, 40));   // sticks out on the right: no BUG
        sp.Insert(Node(10, 35));   // same start, ends later: the descent goes right of [10,30)
        Assert.Equal(2, k.Auditor.TreeErrors);
        Assert.Equal([(10UL, 30UL), (10UL, 35UL), (25UL, 40UL)], sp.Nodes().Select(n => (n.Start, n.End)));
        Assert.True(k.Audit().TreeErrors > 2);
    }
}
