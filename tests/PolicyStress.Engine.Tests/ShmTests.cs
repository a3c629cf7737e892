using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>SysV shm: shmget/shmat/shmdt/IPC_RMID lifecycle, errno cases, and hugetlb segments.</summary>
public class ShmTests
{
    private const ulong Huge = ShmFlags.HugePageSize;

    [Fact]
    public void InodeNumbersAreTheShmidOrWhatTheHarnessSupplies()
    {
        // newseg(): i_ino = shm_perm.id; shmem_zero_setup(): get_next_ino(). A harness mirroring a real
        // kernel supplies that kernel's numbers instead, and they bias interleave.
        var k = FourNodes();
        var t = k.CreateProcess(0);
        var (seg, _) = NewSegment(k, t, 1);
        Assert.Equal(seg.Id, seg.Object.Ino);
        long next = 4097;
        var mirrored = FourNodes(new KernelConfig { InodeNumbers = () => next++ });
        var u = mirrored.CreateProcess(0);
        var (seg2, a) = NewSegment(mirrored, u, 4);
        ulong shared = MapAnon(mirrored, u, 4, shared: true);
        Assert.Equal(4097, seg2.Object.Ino);
        Assert.Equal(0, mirrored.Mbind(u, a, 4 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        Assert.Equal([1, 2, 3, 0], Enumerable.Range(0, 4).Select(p => mirrored.Fault(u, a + (ulong)p * Page)));   // 4097 + p
        Assert.Equal(0, mirrored.Mbind(u, shared, 4 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        Assert.Equal([2, 3, 0, 1], Enumerable.Range(0, 4).Select(p => mirrored.Fault(u, shared + (ulong)p * Page)));   // 4098 + p
        AssertClean(mirrored);
    }

    [Fact]
    public void ShmgetFindsKeysAndRefusesWithTheKernelsErrno()
    {
        var k = FourNodes(new KernelConfig { ShmMax = 1UL << 30 });
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.ENOENT, k.Shmget(t, 42, Page, 0));
        int id = k.Shmget(t, 42, 10 * Page, ShmFlags.IpcCreat | ShmFlags.Mode0600);
        Assert.True(id >= 0);
        Assert.Equal(id, k.Shmget(t, 42, 10 * Page, 0));
        Assert.Equal(id, k.Shmget(t, 42, 0, ShmFlags.IpcCreat));          // size 0 finds an existing one
        Assert.Equal(id, k.Shmget(t, 42, Page, ShmFlags.IpcCreat));
        Assert.Equal(-Errno.EEXIST, k.Shmget(t, 42, Page, ShmFlags.IpcCreat | ShmFlags.IpcExcl));
        Assert.Equal(-Errno.EINVAL, k.Shmget(t, 42, 11 * Page, 0));        // bigger than the segment
        Assert.Equal(-Errno.EINVAL, k.Shmget(t, 43, 0, ShmFlags.IpcCreat));
        Assert.Equal(-Errno.EINVAL, k.Shmget(t, 43, (1UL << 30) + 1, ShmFlags.IpcCreat));
        Assert.Equal(-Errno.EINVAL, k.Shmget(t, ShmFlags.IpcPrivate, 0, 0));
        int p1 = k.Shmget(t, ShmFlags.IpcPrivate, Page, 0), p2 = k.Shmget(t, ShmFlags.IpcPrivate, Page, 0);
        Assert.True(p1 >= 0 && p2 >= 0 && p1 != p2);                       // IPC_PRIVATE always creates
        Assert.Equal(10UL, k.Segment(id)!.Object.PageCount);
        Assert.Equal("/SYSV0000002a", k.Segment(id)!.FileName);
        Assert.Equal(1UL, k.Segment(k.Shmget(t, 44, 1, ShmFlags.IpcCreat))!.Object.PageCount);   // rounded up
    }

    [Fact]
    public void HugetlbWithoutHugePagesIsEnomem()
    {
        var k = FourNodes(new KernelConfig { HugePages = 0 });
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.ENOMEM, k.Shmget(t, ShmFlags.IpcPrivate, Huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb));
        Assert.True(k.Shmget(t, ShmFlags.IpcPrivate, Huge, ShmFlags.IpcCreat) >= 0);

        var k2 = FourNodes(new KernelConfig { HugePages = 4 });
        var t2 = k2.CreateProcess(0);
        int id = k2.Shmget(t2, ShmFlags.IpcPrivate, 3 * Huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb);
        Assert.True(id >= 0);
        Assert.Equal(-Errno.ENOMEM, k2.Shmget(t2, ShmFlags.IpcPrivate, 2 * Huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb));
        Assert.Equal(0, k2.ShmctlRmid(t2, id));   // no attach: gone at once, its huge pages come back
        Assert.True(k2.Shmget(t2, ShmFlags.IpcPrivate, 4 * Huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb) >= 0);
    }

    [Fact]
    public void ShmatAndShmdtRefuseBadAddressesWithEinval()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(-Errno.EINVAL, k.Shmat(t, 12345, 0, 0));
        var (seg, addr) = NewSegment(k, t, 4);
        Assert.Equal(-Errno.EINVAL, k.Shmat(t, seg.Id, addr + 1, 0));            // unaligned without SHM_RND
        Assert.Equal(-Errno.EINVAL, k.Shmat(t, seg.Id, addr, 0));                // occupied without SHM_REMAP
        Assert.Equal(-Errno.EINVAL, k.Shmdt(t, addr + Page));                    // not the start of an attach
        Assert.Equal(-Errno.EINVAL, k.Shmdt(t, addr + 1));
        Assert.Equal(1, seg.Nattch);
        long ro = k.Shmat(t, seg.Id, 0, ShmFlags.ShmRdonly);
        Assert.True(ro > 0);
        Assert.Equal(-Errno.EACCES, k.Fault(t, (ulong)ro));
        Assert.True(k.Fault(t, (ulong)ro, write: false) >= 0);
        Assert.Equal(2, seg.Nattch);
        Assert.Equal(0, k.Shmdt(t, (ulong)ro));
        Assert.Equal(0, k.Shmdt(t, addr));
        Assert.Equal(-Errno.EINVAL, k.Shmdt(t, addr));
        Assert.Equal(0, seg.Nattch);
        Assert.False(seg.Dead);                                                  // no IPC_RMID yet
        Assert.Equal(0, k.ShmctlRmid(t, seg.Id));
        Assert.True(seg.Dead);
        Assert.Equal(-Errno.EINVAL, k.ShmctlRmid(t, seg.Id));
        Assert.Equal(-Errno.EINVAL, k.Shmat(t, seg.Id, 0, 0));
        AssertClean(k);
    }

    [Fact]
    public void SegmentDiesAtLastDetachAfterRmidAndItsTreeIsFreed()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        int id = k.Shmget(t1, 77, 16 * Page, ShmFlags.IpcCreat | ShmFlags.Mode0600);
        ulong a1 = (ulong)k.Shmat(t1, id, 0, 0), a2 = (ulong)k.Shmat(t2, id, 0, 0);
        var seg = k.Segment(id)!;
        Assert.Equal(0, k.Mbind(t1, a1 + 4 * Page, 4 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t1, a1 + 10 * Page, 2 * Page, Bind, Mask(3), MaxNode, 0));
        Assert.Equal(6, seg.Nattch);   // shm_open per vma: task1's attach is five vmas now
        var treePolicies = seg.Object.Policy!.Nodes().Select(n => n.Policy).ToList();
        Assert.Equal(2, treePolicies.Count);
        for (ulong p = 0; p < 16; p++) Assert.True(k.Fault(p % 2 == 0 ? t1 : t2, (p % 2 == 0 ? a1 : a2) + p * Page) >= 0);
        Assert.Equal(16, seg.Object.PresentPages);

        Assert.Equal(0, k.ShmctlRmid(t1, id));
        Assert.Equal(0, seg.Key);                                    // the key is gone...
        Assert.Equal(-Errno.ENOENT, k.Shmget(t2, 77, Page, 0));
        Assert.False(seg.Dead);                                      // ...the segment is not
        Assert.Equal(3, k.Fault(t2, a2 + 10 * Page, write: false));
        Assert.Equal(0, k.Shmdt(t1, a1));
        Assert.Equal(1, seg.Nattch);
        Assert.False(seg.Dead);
        Assert.All(treePolicies, p => Assert.False(p.Freed));
        Assert.Equal(0, k.Shmdt(t2, a2));
        Assert.True(seg.Dead);
        Assert.Null(k.Segment(id));
        Assert.Empty(seg.Object.Policy.Nodes());
        Assert.All(treePolicies, p => Assert.True(p.Freed));
        Assert.Equal(0, seg.Object.PresentPages);
        Assert.DoesNotContain(seg, k.Segments);
        AssertClean(k);
    }

    [Fact]
    public void ExitDetachesAndARemovedSegmentDiesWithItsLastTask()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        var (seg, a1) = NewSegment(k, t1, 8);
        ulong a2 = (ulong)k.Shmat(t2, seg.Id, 0, 0);
        Assert.Equal(0, k.Mbind(t2, a2, 8 * Page, Bind, Mask(2), MaxNode, 0));
        Assert.Equal(2, k.Fault(t1, a1));
        Assert.Equal(0, k.ShmctlRmid(t2, seg.Id));
        k.Exit(t2);
        Assert.False(seg.Dead);
        Assert.Single(seg.Object.Policy!.Nodes());   // the tree outlives task2's vma
        Assert.Equal(2, k.Fault(t1, a1 + Page));
        k.Exit(t1);
        Assert.True(seg.Dead);
        AssertClean(k);
    }

    [Fact]
    public void HugetlbSegmentsKeepPerVmaPoliciesAndNoTree()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(2);
        int id = k.Shmget(t1, ShmFlags.IpcPrivate, 4 * Huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb | ShmFlags.Mode0600);
        Assert.True(id >= 0);
        var seg = k.Segment(id)!;
        Assert.True(seg.HugeTlb);
        Assert.Null(seg.Object.Policy);
        ulong a1 = (ulong)k.Shmat(t1, id, 0, 0), a2 = (ulong)k.Shmat(t2, id, 0, 0);
        Assert.Equal(0UL, a1 % Huge);
        Assert.Equal(0, k.Mbind(t1, a1, 2 * Huge, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(2, t1.Mm.VmaList.Count);
        Assert.Equal("bind:1", PolicyText.ToKernelString(t1.Mm.VmaList[0].VmPolicy));
        Assert.Single(t2.Mm.VmaList);
        Assert.Null(t2.Mm.VmaList[0].VmPolicy);                   // not visible through task2's attach
        Assert.Equal((0, Bind, 2UL), PolicyAt(k, t1, a1 + Huge));
        Assert.Equal((0, Default, 0UL), PolicyAt(k, t2, a2 + Huge));

        Assert.Equal(1, k.Fault(t1, a1 + 5 * Page));              // huge page 0, by task1's vma policy
        Assert.Equal(2, k.Fault(t2, a2 + Huge));                  // huge page 1, task2 has no policy: local
        Assert.Equal(1, k.Fault(t2, a2 + 7 * Page));              // huge page 0 exists: shared
        Assert.Equal(2, k.Fault(t1, a1 + Huge + Page));
        Assert.Equal(2, seg.Object.PresentPages);

        // interleave over huge pages: the index is in huge-page units
        Assert.Equal(0, k.Mbind(t2, a2 + 2 * Huge, 2 * Huge, Interleave, Mask(0, 3), MaxNode, 0));
        int n2 = k.Fault(t2, a2 + 2 * Huge), n3 = k.Fault(t2, a2 + 3 * Huge + 12 * Page);
        Assert.Equal(new[] { 0, 3 }, new[] { n2, n3 }.Order());
        Assert.Null(seg.Object.Policy);

        string maps = k.NumaMaps(t2, t2);
        Assert.Contains($"{a2:x8} default file=/SYSV00000000\\040(deleted) huge dirty=2 mapmax=2 N1=1 N2=1 kernelpagesize_kB=2048\n", maps);
        Assert.Equal(0, k.Shmdt(t1, a1));
        Assert.Equal(0, k.Shmdt(t2, a2));
        Assert.Equal(0, k.ShmctlRmid(t1, id));
        Assert.True(seg.Dead);
        AssertClean(k);
    }
}
