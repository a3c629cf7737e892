using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>vma split and merge by mbind (mbind_range → vma_modify_policy) and by munmap.</summary>
public class VmaTests
{
    private static List<(ulong, ulong, string)> Layout(PolicyStress.Engine.AddressSpaces.TaskStruct t, ulong baseAddr) =>
        t.Mm.VmaList.Select(v => ((v.Start - baseAddr) / Page, (v.End - baseAddr) / Page, PolicyText.ToKernelString(v.VmPolicy))).ToList();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MbindTheMiddleSplitsAndTheRestMergesBack(bool shared)
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 10, shared);
        Assert.Equal(0, k.Mbind(t, a + 3 * Page, 3 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal([(0UL, 3UL, "default"), (3UL, 6UL, "bind:1"), (6UL, 10UL, "default")], Layout(t, a));
        var mid = t.Mm.VmaList[1];
        Assert.Equal(shared ? 3UL : mid.Start >> Kernel.PageShift, mid.Pgoff);   // shmem: file offset; anon: the page number

        // the same policy on the left part merges it into the middle vma
        Assert.Equal(0, k.Mbind(t, a, 3 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal([(0UL, 6UL, "bind:1"), (6UL, 10UL, "default")], Layout(t, a));
        // ...and the right part too: one vma again
        Assert.Equal(0, k.Mbind(t, a + 6 * Page, 4 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal([(0UL, 10UL, "bind:1")], Layout(t, a));
        Assert.Equal(1, t.Mm.VmaList[0].VmPolicy!.RefCount);
        AssertClean(k);
    }

    [Fact]
    public void MbindAcrossBothNeighboursMergesThreeIntoOne()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 9);
        Assert.Equal(0, k.Mbind(t, a, 3 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 6 * Page, 3 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(3, t.Mm.VmaList.Count);
        Assert.Equal(0, k.Mbind(t, a + 3 * Page, 3 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal([(0UL, 9UL, "interleave:0-1")], Layout(t, a));
        AssertClean(k);
    }

    [Fact]
    public void DifferentPoliciesDoNotMerge()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 6);
        Assert.Equal(0, k.Mbind(t, a, 2 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, 2 * Page, Bind, Mask(2), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 4 * Page, 2 * Page, Bind | MpolFlags.StaticNodes, Mask(2), MaxNode, 0));
        Assert.Equal([(0UL, 2UL, "bind:1"), (2UL, 4UL, "bind:2"), (4UL, 6UL, "bind=static:2")], Layout(t, a));
        // two separate mappings with the same policy stay separate vmas (different objects)
        ulong b = MapAnon(k, t, 2);
        Assert.Equal(a - 2 * Page, b);   // adjacent, just below
        Assert.Equal(0, k.Mbind(t, b, 2 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(4, t.Mm.VmaList.Count);
        AssertClean(k);
    }

    [Fact]
    public void MbindOverManyVmasAppliesToEach()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 12);
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, 2 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 6 * Page, 2 * Page, Preferred, Mask(2), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 1 * Page, 9 * Page, Interleave, Mask(2, 3), MaxNode, 0));
        Assert.Equal([(0UL, 1UL, "default"), (1UL, 10UL, "interleave:2-3"), (10UL, 12UL, "default")], Layout(t, a));
        AssertClean(k);
    }

    [Fact]
    public void MunmapSplitsAndKeepsEachPiecesPolicy()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 10);
        Assert.Equal(0, k.Mbind(t, a, 10 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        var before = new int[10];
        for (int i = 0; i < 10; i++) before[i] = k.Fault(t, a + (ulong)i * Page);
        Assert.Equal(0, k.Munmap(t, a + 4 * Page, 2 * Page));
        Assert.Equal([(0UL, 4UL, "interleave:0-3"), (6UL, 10UL, "interleave:0-3")], Layout(t, a));
        Assert.NotSame(t.Mm.VmaList[0].VmPolicy, t.Mm.VmaList[1].VmPolicy);   // split_vma duplicates the policy
        Assert.All(t.Mm.VmaList, v => Assert.Equal(1, v.VmPolicy!.RefCount));
        Assert.Equal(-Errno.EFAULT, k.Fault(t, a + 4 * Page));
        // the pages that stay keep their nodes; the unmapped ones come back by the same interleave index
        for (int i = 0; i < 10; i++)
            if (i is < 4 or >= 6) Assert.Equal(before[i], k.Fault(t, a + (ulong)i * Page, write: false));
        Assert.Equal(0, k.Mmap(t, a + 4 * Page, 2 * Page, Kernel.MapAnonymous | Kernel.MapPrivate | Kernel.MapFixed) > 0 ? 0 : -1);
        Assert.Equal(0, k.Mbind(t, a + 4 * Page, 2 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        Assert.Equal(before[4], k.Fault(t, a + 4 * Page));
        // munmap of a head and a tail, and over a hole, are fine; unaligned is EINVAL
        Assert.Equal(0, k.Munmap(t, a, Page));
        Assert.Equal(0, k.Munmap(t, a + 9 * Page, 5 * Page));
        Assert.Equal(-Errno.EINVAL, k.Munmap(t, a + 1, Page));
        Assert.Equal(-Errno.EINVAL, k.Munmap(t, a, 0));
        Assert.Equal((1UL, 4UL, "interleave:0-3"), Layout(t, a)[0]);
        Assert.Equal((6UL, 9UL, "interleave:0-3"), Layout(t, a)[^1]);
        k.Exit(t);
        AssertClean(k);
    }

    [Fact]
    public void ExitDropsEveryVmaPolicy()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var thread = k.CreateThread(t, 1);
        ulong a = MapAnon(k, t, 8);
        Assert.Equal(0, k.Mbind(thread, a + Page, 2 * Page, Bind, Mask(3), MaxNode, 0));
        Assert.Equal(3, k.Fault(t, a + Page));   // threads share the mm and its vma policies
        var pol = t.Mm.VmaList[1].VmPolicy!;
        k.Exit(t);
        Assert.Equal(3, thread.Mm.VmaList.Count);   // the mm lives while a thread uses it
        k.Exit(thread);
        Assert.Empty(thread.Mm.VmaList);
        Assert.True(pol.Freed);
        AssertClean(k);
    }
}
