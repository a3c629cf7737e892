using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// set_mempolicy(2) and get_mempolicy(2) of the 2007 kernel, against 2.6.23/24 mm/mempolicy.c: the syscall
/// checks in their order, the task-policy swap of bug 1, and the references do_get_mempolicy takes.
/// </summary>
public class Mempolicy2007Tests
{
    /// <summary>sys_get_mempolicy() of 2.6.23 wants room for MAX_NUMNODES bits.</summary>
    private const ulong MaxNode2007 = UserNodeMask.FullMaxNode;

    private static (int Err, int Mode, ulong Nodes) PolicyAt2007(Kernel k, TaskStruct t, ulong addr, uint flags = MpolFlags.FAddr)
    {
        var nm = new ulong[UserNodeMask.MaxNumNodes / 64];
        int err = k.GetMempolicy(t, out int mode, nm, MaxNode2007, addr, flags);
        return (err, mode, nm[0]);
    }

    [Fact]
    public void MbindOverAnonymousAndShmemSharesOneObjectAndGetMempolicyDropsNothing()
    {
        // One policy object for the anonymous vma, the shmem vma and the shmem tree (2.6.23 policy_vma and
        // sp_alloc both mpol_get the caller's object). 2.6.23 do_get_mempolicy() never unrefs a vma policy;
        // marking the object MPOL_F_SHARED (2.6.26–3.6, fixed by 869833f2c5c6) would make it drop one per call.
        var k = Kernel2007();
        var t = k.CreateProcess(0);
        ulong shm = MapAnon(k, t, 4, shared: true);
        ulong anon = (ulong)k.Mmap(t, shm - 4 * Page, 4 * Page, Kernel.MapPrivate | Kernel.MapAnonymous | Kernel.MapFixed);
        Assert.Equal(0, k.Mbind(t, anon, 8 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        var pol = t.Mm.VmaList[0].VmPolicy!;
        Assert.Same(pol, t.Mm.VmaList[1].VmPolicy);
        Assert.False(pol.IsShared);
        Assert.Equal(3, pol.RefCount);   // the two vmas and the tree node
        for (int i = 0; i < 4; i++) Assert.Equal((0, Interleave, 3UL), PolicyAt2007(k, t, anon));
        Assert.Equal(3, pol.RefCount);
        // a split copies the object (mpol_copy) and its flags: still nothing to drop
        Assert.Equal(0, k.Mbind(t, anon, Page, Bind, Mask(2), MaxNode, 0));
        for (int i = 0; i < 4; i++) Assert.Equal((0, Interleave, 3UL), PolicyAt2007(k, t, anon + Page));
        AssertClean(k);
    }

    [Theory]
    [InlineData(Bugs2007.GetMempolicyLeak, true)]
    [InlineData(Bugs2007.None, false)]
    public void GetMempolicyOnShmemLeaksTheLookupReference(Bugs2007 bugs, bool leaks)
    {
        var k = Kernel2007(bugs);
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, 4);
        Assert.Equal(0, k.Mbind(t, addr, 4 * Page, Bind, Mask(1), MaxNode, 0));
        var node = Assert.Single(seg.Object.Policy!.Nodes());
        Assert.Equal((0, Bind, 2UL), PolicyAt2007(k, t, addr));
        Assert.Equal(leaks ? node.RefCount + 1 : node.RefCount, node.Policy.RefCount);   // shmem_get_policy's reference, never dropped
        Assert.Equal(leaks, k.Audit().Findings > 0);
    }

    [Theory]
    [InlineData(Bugs2007.GetMempolicyLeak, true)]
    [InlineData(Bugs2007.None, false)]
    [InlineData(Bugs2007.GetMempolicyLeak | Bugs2007.ShmHugetlbNoref, false)]   // bug 3: shm_get_policy takes nothing
    public void GetMempolicyOnHugetlbLeaksLeesBug3Reference(Bugs2007 bugs, bool leaks)
    {
        var k = Kernel2007(bugs);
        var t = k.CreateProcess(0);
        int id = k.Shmget(t, Ipc.ShmFlags.IpcPrivate, 2 * Ipc.ShmFlags.HugePageSize, Ipc.ShmFlags.IpcCreat | Ipc.ShmFlags.ShmHugetlb);
        ulong addr = (ulong)k.Shmat(t, id, 0, 0);
        Assert.Equal(0, k.Mbind(t, addr, Ipc.ShmFlags.HugePageSize, Interleave, Mask(0, 2), MaxNode, 0));
        Assert.Equal((0, Interleave, 5UL), PolicyAt2007(k, t, addr));
        Assert.Equal(leaks, k.Audit().Findings > 0);
        // no vma policy: shm_get_policy() answers with the caller's task policy
        Assert.Equal(0, k.SetMempolicy(t, Preferred, Mask(3), MaxNode));
        Assert.Equal((0, Preferred, 8UL), PolicyAt2007(k, t, addr + Ipc.ShmFlags.HugePageSize));
    }

    [Fact]
    public void GetMempolicyTakesThe2623Arguments()
    {
        var k = Kernel2007();
        var t = k.CreateProcess(0);
        var nm = new ulong[16];
        Assert.Equal(-Errno.EINVAL, k.GetMempolicy(t, out _, nm, MaxNode, 0, 0));            // maxnode < MAX_NUMNODES
        Assert.Equal(0, k.GetMempolicy(t, out _, null, MaxNode, 0, 0));                     // no mask: no check
        Assert.Equal(-Errno.EINVAL, k.GetMempolicy(t, out _, nm, MaxNode2007, 0, MpolFlags.FMemsAllowed));   // 2.6.24
        Assert.Equal(0, k.GetMempolicy(t, out _, nm, MaxNode2007, 0, 0));
        Assert.Equal(-Errno.EFAULT, k.GetMempolicy(t, out _, new ulong[8], MaxNode2007, 0, 0));   // copies MAX_NUMNODES bits
        AssertClean(k);
    }

    [Fact]
    public void PreferredWithNoNodeIsLocalAllocationThroughout()
    {
        // mpol_new(): preferred_node = -1 for an empty mask; zonelist_policy(): numa_node_id() for it;
        // get_zonemask(): every node with memory; mpol_to_str(): "prefer" and no '='.
        var k = Kernel2007();
        var t = k.CreateProcess(2);
        Assert.Equal(0, k.SetMempolicy(t, Preferred, null, 0));
        Assert.Equal(MempolicyMode.Preferred, t.Policy!.Mode);
        Assert.Equal(2, k.AllocTaskPage(t));
        ulong a = MapAnon(k, t, 1);
        Assert.Equal(2, k.Fault(t, a));
        var nm = new ulong[16];
        Assert.Equal(0, k.GetMempolicy(t, out int mode, nm, MaxNode2007, 0, 0));
        Assert.Equal((Preferred, 0b1111UL), (mode, nm[0]));
        Assert.StartsWith($"{a:x8} prefer anon=1 dirty=1 N2=1\n", k.NumaMaps(t, t));
        k.Exit(t);
        AssertClean(k);
    }

    [Fact]
    public void SetMempolicyChecksModeThenNodesThenCpuset()
    {
        var k = Kernel2007();
        var t = k.CreateProcess(0);
        // MPOL_MAX was MPOL_INTERLEAVE (3): mode 4 and any mode flag are out of range, before get_nodes()
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, 4, null, 0));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind | MpolFlags.StaticNodes, Mask(0), MaxNode));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, 7, new ulong[1], 1000));   // mode first: no EFAULT
        Assert.Equal(-Errno.EFAULT, k.SetMempolicy(t, Bind, new ulong[1], 1000));
        // contextualize_policy(): a subset of mems_allowed, not an intersection with it
        t.MemsAllowed = NodeMask.Of(1, 3);
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Bind, Mask(0, 1), MaxNode));
        Assert.Equal(-Errno.EINVAL, k.SetMempolicy(t, Preferred, Mask(2), MaxNode));
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(1, 3), MaxNode));
        Assert.Equal(0, k.SetMempolicy(t, Default, null, 0));
        Assert.Null(t.Policy);
        AssertClean(k);
    }

    [Theory]
    [InlineData(Bugs2007.SetMempolicyUnlocked)]
    [InlineData(Bugs2007.None)]
    public void SetMempolicyFreesTheOldPolicyBeforeTheStore(Bugs2007 bugs)
    {
        // do_set_mempolicy(): "mpol_free(current->mempolicy); current->mempolicy = new;" — the task's pointer
        // names a freed policy until the store. Bug 1 has no lock over the two, so another task's numa_maps
        // (get_vma_policy of another task: mpol_get on its policy) can take a reference on the freed object
        // then; Lee's fix holds the mmap lock, which that reader needs.
        var k = Kernel2007(bugs);
        var t = k.CreateProcess(0);
        var reader = k.CreateProcess(1);
        MapAnon(k, t, 1);
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(0, 1), MaxNode));
        var old = t.Policy!;
        bool inWindow = false;
        k.SetMempolicyWindow = task =>
        {
            inWindow = true;
            Assert.True(old.IsFreed);
            Assert.Same(old, task.Policy);
            Assert.Equal(bugs == Bugs2007.None, task.Mm.MmapLock.IsWriteLockHeld);
            if (bugs != Bugs2007.None) k.NumaMaps(reader, task);   // the race, made to happen
        };
        Assert.Equal(0, k.SetMempolicy(t, Bind, Mask(2), MaxNode));
        Assert.True(inWindow);
        var audit = k.Audit();
        if (bugs == Bugs2007.None) Assert.True(audit.Findings == 0, audit.ToString());
        else Assert.True(audit.Uaf > 0 && audit.DoubleFree > 0, audit.ToString());
    }

    [Fact]
    public void GetMempolicyReadsTheMaskAfterDroppingTheMmapLock()
    {
        // 2.6.23 get_zonemask() runs after up_read(): another thread of the mm may free the vma policy first.
        var k = Kernel2007();
        var t = k.CreateProcess(0);
        var thread = k.CreateThread(t, 1);
        ulong a = MapAnon(k, t, 1);
        Assert.Equal(0, k.Mbind(t, a, Page, Interleave, Mask(0, 1), MaxNode, 0));
        bool fired = false;
        k.PausePoint = (task, pol) =>
        {
            if (fired || task != t) return;
            fired = true;
            Assert.False(t.Mm.MmapLock.IsReadLockHeld);
            Assert.Equal(0, k.Mbind(thread, a, Page, Bind, Mask(3), MaxNode, 0));   // frees the old vma policy
        };
        PolicyAt2007(k, t, a);
        k.PausePoint = null;
        Assert.True(fired);
        Assert.True(k.Audit().Uaf > 0);
    }
}
