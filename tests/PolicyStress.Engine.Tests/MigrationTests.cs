using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Ipc;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// do_mbind()'s migration since 6.7 (72e315f7a750, 88c91dc58582): after the mmap lock is dropped, with the
/// mbind's own policy, interleaving from a base taken at the first page to move.
/// </summary>
public class MigrationTests
{
    [Fact]
    public void InterleaveContinuesFromTheFirstPagesBaseAcrossObjects()
    {
        // Two SysV segments side by side, one mbind over both: every page's interleave index is the first
        // page's i_ino-biased index plus its own offset — so the second segment interleaves by the FIRST
        // one's inode ("for later VMAs, the nodes will still be interleaved from the targeted nodemask").
        var k = FourNodes();
        var t = k.CreateProcess(0);
        int id1 = k.Shmget(t, ShmFlags.IpcPrivate, 4 * Page, ShmFlags.IpcCreat);
        int id2 = k.Shmget(t, ShmFlags.IpcPrivate, 4 * Page, ShmFlags.IpcCreat);
        ulong a2 = (ulong)k.Shmat(t, id2, 0, 0);
        ulong a1 = (ulong)k.Shmat(t, id1, a2 - 4 * Page, 0);
        long ino1 = k.Segment(id1)!.Object.Ino, ino2 = k.Segment(id2)!.Object.Ino;
        Assert.Equal((id1, id2), ((int)ino1, (int)ino2));   // newseg(): i_ino = shmid
        Assert.NotEqual(ino1 % 2, ino2 % 2);   // else the test could not tell the bases apart
        for (ulong p = 0; p < 8; p++) Assert.Equal(0, k.Fault(t, a1 + p * Page));
        Assert.Equal(0, k.Mbind(t, a1, 8 * Page, Interleave, Mask(1, 2), MaxNode, MpolFlags.MfMove));
        int[] expect = [.. Enumerable.Range(0, 8).Select(p => 1 + (int)((ino1 + p % 4) % 2))];
        Assert.Equal(expect, Enumerable.Range(0, 8).Select(p => k.Fault(t, a1 + (ulong)p * Page)));
        // a new fault in the second segment interleaves by its own inode, as shmem_alloc_folio() does
        Assert.Equal(0, k.Madvise(t, a2, Page, Kernel.MadvRemove));
        Assert.Equal(1 + (int)(ino2 % 2), k.Fault(t, a2));
        AssertClean(k);
    }

    [Fact]
    public void DefaultMovesPagesByTheTaskPolicy()
    {
        // MPOL_DEFAULT's NULL becomes get_task_policy(current), referenced for the migration.
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 2);
        Assert.Equal(0, k.Mbind(t, a, 2 * Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal([1, 1], new[] { k.Fault(t, a), k.Fault(t, a + Page) });
        Assert.Equal(0, k.SetMempolicy(t, Bind, Mask(2), MaxNode));
        var taskPol = t.Policy!;
        Assert.Equal(0, k.Mbind(t, a, 2 * Page, Default, null, 0, MpolFlags.MfMove));
        Assert.Equal([2, 2], new[] { k.Fault(t, a), k.Fault(t, a + Page) });
        Assert.Equal(1, taskPol.RefCount);
        AssertClean(k);
    }
}
