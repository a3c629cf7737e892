using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>mmap/madvise of shared anonymous memory, page migration by mbind, and partial detaches.</summary>
public class MmapTests
{
    [Fact]
    public void SharedAnonObjectKeepsItsTreeUntilTheLastMapping()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 8, shared: true);
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, 4 * Page, Bind, Mask(3), MaxNode, 0));
        var vmas = t.Mm.VmaList.ToList();
        var sp = vmas[0].Mapping.Object.Policy!;
        var pol = Assert.Single(sp.Nodes()).Policy;
        Assert.Equal(3, k.Fault(t, a + 2 * Page));
        Assert.Equal(0, k.Munmap(t, a, 3 * Page));     // the tree is the object's, not the vma's
        Assert.Single(sp.Nodes());
        Assert.Equal(3, k.Fault(t, a + 4 * Page));
        Assert.Equal(0, k.Munmap(t, a + 3 * Page, 5 * Page));
        Assert.Empty(t.Mm.VmaList);
        Assert.Empty(sp.Nodes());                      // evicted with its last mapping
        Assert.True(pol.Freed);
        AssertClean(k);
    }

    [Fact]
    public void MmapAndMadviseRefuseBadArgumentsWithTheKernelsErrno()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.EINVAL, k.Mmap(t, 0, Page, Kernel.MapPrivate));                       // file mappings
        Assert.Equal(-Errno.EINVAL, k.Mmap(t, 0, 0, Kernel.MapPrivate | Kernel.MapAnonymous));
        Assert.Equal(-Errno.EINVAL, k.Mmap(t, 0, Page, Kernel.MapAnonymous));                     // neither shared nor private
        Assert.Equal(-Errno.EINVAL, k.Mmap(t, 0x10001, Page, Kernel.MapAnonymous | Kernel.MapPrivate | Kernel.MapFixed));
        Assert.Equal(0x100000L, k.Mmap(t, 0x100000, 3 * Page, Kernel.MapAnonymous | Kernel.MapPrivate | Kernel.MapFixed));
        Assert.Equal(0, k.Madvise(t, 0x100000, 3 * Page, Kernel.MadvDontneed));
        Assert.Equal(-Errno.ENOMEM, k.Madvise(t, 0x100000, 4 * Page, Kernel.MadvDontneed));      // runs past the vma
        Assert.Equal(-Errno.EINVAL, k.Madvise(t, 0x100000, Page, Kernel.MadvRemove));            // private memory
        Assert.Equal(-Errno.EINVAL, k.Madvise(t, 0x100001, Page, Kernel.MadvDontneed));
    }

    [Fact]
    public void MadviseRemovePunchesTheHoleForEveryAttach()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 4);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Fault(t1, a1));
        Assert.Equal(0, k.Fault(t2, a2, write: false));
        Assert.Contains("mapmax=2", k.NumaMaps(t2, t2));
        Assert.Equal(0, k.Madvise(t1, a1, Page, Kernel.MadvRemove));
        Assert.Equal(0, seg.Object.PresentPages);
        Assert.Equal($"{a2:x8} default file=/SYSV00000000\\040(deleted)\n", k.NumaMaps(t2, t2));
        Assert.Equal(1, k.Fault(t2, a2));   // a new page, by task2's policy this time
        // MADV_DONTNEED only unmaps from the caller: the page stays in the segment
        Assert.Equal(0, k.Madvise(t2, a2, Page, Kernel.MadvDontneed));
        Assert.Equal(1, seg.Object.PresentPages);
        Assert.Equal(1, k.Fault(t1, a1));
        AssertClean(k);
    }

    [Fact]
    public void MoveLeavesSharedPagesAndMoveAllMovesThem()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 4);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Fault(t1, a1));
        Assert.Equal(0, k.Fault(t1, a1 + Page));
        Assert.Equal(0, k.Fault(t2, a2, write: false));   // page 0 is mapped twice, page 1 once
        Assert.Equal(0, k.Mbind(t1, a1, 2 * Page, Bind, Mask(2), MaxNode, MpolFlags.MfMove | MpolFlags.MfStrict));
        Assert.Equal(0, k.Fault(t1, a1, write: false));        // shared: not migrated, not a failure
        Assert.Equal(2, k.Fault(t1, a1 + Page, write: false)); // private to this mm: migrated
        Assert.Equal(0, k.Mbind(t1, a1, 2 * Page, Bind, Mask(3), MaxNode, MpolFlags.MfMoveAll));
        Assert.Equal(3, k.Fault(t2, a2, write: false));
        Assert.Equal(3, k.Fault(t1, a1 + Page, write: false));
        Assert.Equal(2, seg.Object.PresentPages);   // migration allocates no page for an untouched offset
        AssertClean(k);
    }

    [Fact]
    public void ShmdtAfterUnmappingTheHeadOfAnAttach()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, a) = NewSegment(k, t, 8);
        Assert.Equal(0, k.Mbind(t, a + 4 * Page, 2 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(0, k.Munmap(t, a, 2 * Page));
        Assert.Equal(3, seg.Nattch);
        Assert.Equal(0, k.Shmdt(t, a));   // the vma at a + 2 pages has vm_pgoff 2: it belongs to the attach at a
        Assert.Empty(t.Mm.VmaList);
        Assert.Equal(0, seg.Nattch);
        Assert.Single(seg.Object.Policy!.Nodes());   // the tree stays with the segment
        long again = k.Shmat(t, seg.Id, 0x200000 + 5, ShmFlags.ShmRnd);
        Assert.Equal(0x200000L, again);
        Assert.Equal((0, Interleave, 3UL), PolicyAt(k, t, 0x200000 + 5 * Page));
        Assert.Equal(0, k.ShmctlRmid(t, seg.Id));
        Assert.False(seg.Dead);
        k.Exit(t);
        Assert.True(seg.Dead);
        AssertClean(k);
    }
}
