using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>mbind(2) of the 2007 kernel against 2.6.23/24 sys_mbind, do_mbind and check_range, and its migration.</summary>
public class Mbind2007Tests
{
    [Fact]
    public void NodesAreReadAndCutToTheCpusetBeforeTheModeIsChecked()
    {
        var k = Kernel2007();
        var modern = FourNodes();
        foreach (var kernel in new[] { k, modern })
        {
            var t = kernel.CreateProcess(0);
            ulong a = MapAnon(kernel, t, 4);
            // get_nodes() runs first in sys_mbind; today sanitize_mpol_flags() does
            int expect = kernel == k ? -Errno.EFAULT : -Errno.EINVAL;
            Assert.Equal(expect, kernel.Mbind(t, a, Page, 7, new ulong[1], 1000, 0));
            Assert.Equal(-Errno.EINVAL, kernel.Mbind(t, a, Page, 4, Mask(0), MaxNode, 0));   // MPOL_MAX was MPOL_INTERLEAVE
            t.MemsAllowed = NodeMask.Of(1, 3);
            // nodes_and(nodes, nodes, current->mems_allowed): bind to {0,1} means bind to {1} in both eras...
            Assert.Equal(0, kernel.Mbind(t, a, Page, Bind, Mask(0, 1), MaxNode, 0));
            Assert.Equal(NodeMask.Of(1), t.Mm.VmaList[0].VmPolicy!.Nodes);
            // ...but a preferred node outside the cpuset: 2.6.23 makes it local allocation, today EINVAL
            int pref = kernel.Mbind(t, a + Page, Page, Preferred, Mask(2), MaxNode, 0);
            Assert.Equal(kernel == k ? 0 : -Errno.EINVAL, pref);
            if (kernel == k) Assert.Equal(1, kernel.Fault(t, a + Page));   // CPU 0's zonelist cut to {1,3}
            Assert.Equal(-Errno.EINVAL, kernel.Mbind(t, a, Page, Interleave, Mask(2), MaxNode, 0));   // nothing left
        }
        AssertClean(k);
    }

    [Fact]
    public void CheckRangeFindsOnlyInnerGapsAndRunsPastTheLastVma()
    {
        var k = Kernel2007();
        var t = k.CreateProcess(0);
        ulong hi = MapAnon(k, t, 4);
        Assert.Equal(hi - 8 * Page, (ulong)k.Mmap(t, hi - 8 * Page, 4 * Page, Kernel.MapPrivate | Kernel.MapAnonymous | Kernel.MapFixed));
        ulong lo = hi - 8 * Page;   // [lo, lo+4) vma, [lo+4, hi) hole, [hi, hi+4) vma (the mm's last)
        Assert.Equal(0, k.Mbind(t, lo - 2 * Page, 4 * Page, Bind, Mask(1), MaxNode, 0));          // head hole: not checked
        Assert.Equal(0, k.Mbind(t, lo + 5 * Page, 2 * Page, Bind, Mask(1), MaxNode, 0));          // wholly in a hole below a vma
        Assert.Equal(0, k.Mbind(t, lo + 2 * Page, 4 * Page, Bind, Mask(1), MaxNode, 0));          // tail hole below the next vma
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, lo, 10 * Page, Bind, Mask(2), MaxNode, 0));        // a gap between two vmas
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, hi + 2 * Page, 4 * Page, Bind, Mask(2), MaxNode, 0));  // past the last vma
        // the policies landed only where a vma was: [lo, lo+2) and [lo+2, lo+4), split and never merged back
        Assert.Equal([NodeMask.Of(1), NodeMask.Of(1), default], t.Mm.VmaList.Select(v => v.VmPolicy?.Nodes ?? default));
        Assert.Equal(0, k.Mbind(t, lo, 12 * Page, Default, null, 0, 0));                          // default: holes are fine
        Assert.Equal(-Errno.EFAULT, k.Mbind(t, hi + 4 * Page, Page, Default, null, 0, 0));        // no vma above start at all
        var modern = FourNodes();
        var m = modern.CreateProcess(0);
        ulong b = MapAnon(modern, m, 4);
        Assert.Equal(-Errno.EFAULT, modern.Mbind(m, b - 2 * Page, 4 * Page, Bind, Mask(1), MaxNode, 0));   // today: head hole
        Assert.Equal(-Errno.EFAULT, modern.Mbind(m, b - 4 * Page, 2 * Page, Bind, Mask(1), MaxNode, 0));   // and whole hole
        AssertClean(k);
    }

    [Fact]
    public void StrictMoveSkipsSharedPagesWithoutFailing()
    {
        // migrate_page_add(): MOVE takes a page only if page_mapcount() == 1, and skipping is no failure.
        var k = Kernel2007();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 2);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Fault(t1, a1));
        Assert.Equal(0, k.Fault(t2, a2));          // mapped twice
        Assert.Equal(0, k.Fault(t1, a1 + Page));   // mapped once
        Assert.Equal(0, k.Mbind(t1, a1, 2 * Page, Bind, Mask(3), MaxNode, MpolFlags.MfStrict | MpolFlags.MfMove));
        Assert.Equal(0, k.Fault(t1, a1));          // left where it was
        Assert.Equal(3, k.Fault(t1, a1 + Page));   // moved
        Assert.Equal(-Errno.EIO, k.Mbind(t1, a1, 2 * Page, Bind, Mask(2), MaxNode, MpolFlags.MfStrict));
        AssertClean(k);
    }

    [Theory]
    [InlineData(Bugs2007.InterleaveLeak, true)]
    [InlineData(Bugs2007.None, false)]
    public void MigrationAllocatesThroughAllocPageVmaAndLeaksWithBug2a(Bugs2007 bugs, bool leaks)
    {
        // new_vma_page() -> alloc_page_vma(vma, addr): for a shmem vma, shm_get_policy's lookup reference,
        // which the interleave branch forgot to drop; placement from vm_pgoff + the page, no inode bias.
        var k = Kernel2007(bugs);
        var t = k.CreateProcess(0);
        var (seg, a) = NewSegment(k, t, 4);
        for (ulong p = 0; p < 4; p++) Assert.Equal(0, k.Fault(t, a + p * Page));
        Assert.Equal(0, k.Mbind(t, a, 4 * Page, Interleave, Mask(1, 2, 3), MaxNode, MpolFlags.MfMove));
        Assert.Equal([1, 2, 3, 1], Enumerable.Range(0, 4).Select(p => k.Fault(t, a + (ulong)p * Page)));
        var tree = Assert.Single(seg.Object.Policy!.Nodes());
        Assert.Equal(leaks ? 2 + 4 : 2, tree.RefCount);   // tree + vma, and one per page moved with bug 2a
        Assert.Equal(leaks, k.Audit().Findings > 0);
    }
}
