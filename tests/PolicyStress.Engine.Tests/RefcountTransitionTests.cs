using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Reference counts of tree policies through attach, mbind, replace, split, detach, segment removal and
/// exit, per scheme. The numbers are the seed mail's figures: Figure 1 (lookup) keeps only the tree's
/// reference when idle; Figure 3 (vma-held) adds one per attached vma.
/// </summary>
public class RefcountTransitionTests
{
    [Theory]
    [InlineData(RefScheme.Lookup, 1, 1)]
    [InlineData(RefScheme.None, 1, 1)]
    [InlineData(RefScheme.VmaHeld, 2, 3)]
    [InlineData(RefScheme.VmaHeldGraveyard, 2, 3)]
    [InlineData(RefScheme.VmaHeldEpoch, 2, 3)]
    public void IdleCountsFollowTheFigures(RefScheme scheme, int afterMbind, int afterSecondAttach)
    {
        var f = new SchemeFixture(scheme);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 10, 20, MempolicyMode.Interleave, 0, 1);
        f.Mbind(f.Task1, v1, 50, 30, MempolicyMode.Bind, 2);
        Assert.Equal([afterMbind, afterMbind], f.TreeRefs);
        ulong v2 = f.Attach(f.Task2);
        Assert.Equal([afterSecondAttach, afterSecondAttach], f.TreeRefs);
        f.AssertClean();

        // Faults take and drop lookup references; when idle the counts are back where they were.
        for (ulong p = 0; p < 100; p++) Assert.True(f.Kernel.Fault(f.Task2, v2 + p * SchemeFixture.Page) >= 0);
        Assert.Equal([afterSecondAttach, afterSecondAttach], f.TreeRefs);

        // Split: [15,20) inside [10,30) leaves two pieces; the right one is a new copy with its own counts.
        f.Mbind(f.Task2, v2, 15, 5, MempolicyMode.Preferred, 3);
        var tree = f.Tree;
        Assert.Equal(4, tree.Count);
        Assert.NotSame(tree[0].Policy, tree[2].Policy);
        Assert.All(tree, n => Assert.Equal(afterSecondAttach, n.RefCount));
        f.AssertClean();

        // Detach: each attach that held references drops them.
        Assert.Equal(0, f.Kernel.Shmdt(f.Task2, v2));
        Assert.All(f.Tree, n => Assert.Equal(afterMbind, n.RefCount));
        f.AssertClean();

        // Segment removal after the last detach frees every tree policy.
        var policies = f.Tree.Select(n => n.Policy).ToList();
        Assert.Equal(0, f.Kernel.ShmctlRmid(f.Task1, f.ShmId));
        Assert.False(f.Segment.Dead);
        f.Kernel.Exit(f.Task1);   // exit_mmap detaches the last attach
        Assert.True(f.Segment.Dead);
        f.Kernel.Exit(f.Task2);
        f.Kernel.Reclaim();
        Assert.All(policies, p => Assert.True(p.Freed));
        f.AssertClean();
    }

    [Fact]
    public void LookupReplaceFreesTheRemovedPolicyAtOnce()
    {
        var f = new SchemeFixture(RefScheme.Lookup);
        ulong v1 = f.Attach(f.Task1);
        f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        var old = f.Tree[0].Policy;
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Bind, 1);
        Assert.True(old.Freed);
        f.AssertClean();
    }

    [Fact]
    public void VmaHeldReplaceDropsTreeAndEveryVmaReferenceAtOnce()
    {
        var f = new SchemeFixture(RefScheme.VmaHeld);
        ulong v1 = f.Attach(f.Task1);
        f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        var old = f.Tree[0].Policy;
        Assert.Equal(3, old.RefCount);
        f.Mbind(f.Task2, v1, 0, 50, MempolicyMode.Bind, 1);   // task2 has its own attach at the same address
        Assert.True(old.Freed);
        f.AssertClean();
    }

    [Fact]
    public void GraveyardKeepsRemovedPoliciesUntilEveryAttachedVmaDetaches()
    {
        var f = new SchemeFixture(RefScheme.VmaHeldGraveyard);
        ulong v1 = f.Attach(f.Task1);
        ulong v2 = f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        var old = f.Tree[0].Policy;
        f.Mbind(f.Task1, v1, 0, 100, MempolicyMode.Bind, 2);
        Assert.False(old.Freed);
        Assert.Equal(2, old.RefCount);                       // the two attaches still hold theirs
        // Task1's two SysV shm vmas are not merged (shm_vm_ops has a close hook), so only the interleave
        // policy left the tree.
        Assert.Equal(1, f.Segment.Object.Policy!.GraveyardCount);
        f.AssertClean();
        f.Kernel.Shmdt(f.Task2, v2);
        Assert.Equal(1, old.RefCount);
        f.Kernel.Shmdt(f.Task1, v1);
        Assert.True(old.Freed);
        Assert.Equal(0, f.Segment.Object.Policy!.GraveyardCount);
        Assert.Equal(1, f.Kernel.Audit().WaitingPeak);
        f.AssertClean();
    }

    [Fact]
    public void EpochDefersTheFreeUntilEveryTaskPassedAQuiescentPoint()
    {
        var f = new SchemeFixture(RefScheme.VmaHeldEpoch);
        ulong v1 = f.Attach(f.Task1);
        ulong v2 = f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        Assert.True(f.Kernel.Fault(f.Task2, v2) >= 0);       // task2 is online and last quiescent before the replace
        var old = f.Tree[0].Policy;
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Bind, 2);
        Assert.Equal(0, old.RefCount);
        Assert.False(old.Freed);                             // task2 may still be using it
        Assert.True(f.Kernel.PendingFrees >= 1);
        Assert.True(f.Kernel.Fault(f.Task2, v2 + 60 * SchemeFixture.Page) >= 0);   // a quiescent point
        f.Kernel.Reclaim();
        Assert.True(old.Freed);
        f.AssertClean();
    }

    [Fact]
    public void OfflineTasksDoNotHoldGracePeriods()
    {
        var f = new SchemeFixture(RefScheme.Lookup, SpLockKind.Snapshot);
        ulong v1 = f.Attach(f.Task1);
        f.Attach(f.Task2);
        f.Kernel.TaskOffline(f.Task2);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        var old = f.Tree[0].Policy;
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Bind, 2);
        f.Kernel.Reclaim();
        Assert.True(old.Freed);   // task1 stamped at the end of its mbind; task2 is offline
        f.AssertClean();
    }

    [Fact]
    public void NoneParksRemovedPoliciesUntilTheSegmentDies()
    {
        var f = new SchemeFixture(RefScheme.None);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Interleave, 0, 1);
        var old = f.Tree[0].Policy;
        f.Mbind(f.Task1, v1, 0, 50, MempolicyMode.Bind, 2);
        Assert.False(old.Freed);
        f.AssertClean();
        f.Kernel.ShmctlRmid(f.Task1, f.ShmId);
        f.Kernel.Shmdt(f.Task1, v1);
        Assert.True(old.Freed);
        f.AssertClean();
    }

    [Fact]
    public void Lookup2007SharesOnePolicyObjectBetweenTreeAndVma()
    {
        var f = new SchemeFixture(RefScheme.Lookup2007);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 10, 20, MempolicyMode.Interleave, 0, 1);
        var node = Assert.Single(f.Tree);
        var vma = f.Task1.Mm.VmaList.Single(v => v.VmPolicy is not null);
        Assert.Same(node.Policy, vma.VmPolicy);
        Assert.Equal(2, node.RefCount);   // the tree's and the vma's: the literal 2.6.23 count (reference §1 note)
        f.AssertClean();
        // A split in 2007 puts the same object in both halves: one more reference.
        f.Mbind(f.Task1, v1, 15, 5, MempolicyMode.Bind, 2);
        var tree = f.Tree;
        Assert.Same(tree[0].Policy, tree[2].Policy);
        f.AssertClean();
    }

    [Fact]
    public void ExitDropsTaskPolicyAndTearsDownTheAddressSpace()
    {
        var f = new SchemeFixture(RefScheme.Lookup);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 0, 10, MempolicyMode.Interleave, 0, 1);
        Assert.Equal(0, f.Kernel.SetMempolicy(f.Task1, (int)MempolicyMode.Bind, [NodeMask.Of(1).Bits], UserNodeMask.OneWordMaxNode));
        var taskPol = f.Task1.Policy!;
        var vmaPol = f.Task1.Mm.VmaList.Single(v => v.VmPolicy is not null).VmPolicy!;
        f.Kernel.Exit(f.Task1);
        Assert.True(taskPol.Freed);
        Assert.True(vmaPol.Freed);
        Assert.Equal(0, f.Segment.Nattch);
        Assert.Equal(1, Assert.Single(f.Tree).RefCount);   // the segment outlives its attaches until IPC_RMID
        f.AssertClean();
    }
}

/// <summary>How many policies wait to be freed, and for how long, by the clock the harness injects.</summary>
public class RefcountWaitingTests
{
    [Fact]
    public void GraveyardWaitIsTimedFromRemovalToLastDetach()
    {
        long now = 1_000;
        var k = new Kernel(Topology.NumaTopology.Uniform(2, 1), new KernelConfig { Scheme = RefScheme.VmaHeldGraveyard, ClockNs = () => now });
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        int id = k.Shmget(t1, Ipc.ShmFlags.IpcPrivate, 16 * SchemeFixture.Page, Ipc.ShmFlags.IpcCreat);
        ulong v1 = (ulong)k.Shmat(t1, id, 0, 0), v2 = (ulong)k.Shmat(t2, id, 0, 0);
        Assert.Equal(0, k.Mbind(t1, v1, 16 * SchemeFixture.Page, (int)MempolicyMode.Interleave, [3], UserNodeMask.OneWordMaxNode, 0));
        Assert.Equal(0, k.Mbind(t1, v1, 16 * SchemeFixture.Page, (int)MempolicyMode.Bind, [1], UserNodeMask.OneWordMaxNode, 0));   // removes the interleave policy
        var during = k.Audit();
        Assert.Equal(1, during.Waiting);
        Assert.Equal(0, during.Waited);
        now += 5_000;
        k.Shmdt(t2, v2);
        now += 5_000;
        k.Shmdt(t1, v1);   // the last attach that held it: freed after 10 µs
        var after = k.Audit();
        Assert.Equal(0, after.Waiting);
        Assert.Equal(1, after.Waited);
        Assert.Equal(10.0, after.WaitMeanUs);
        Assert.Equal(10.0, after.WaitMaxUs);
        Assert.Contains("waited=1 wait_mean_us=10 wait_max_us=10", after.ToString());
    }

    [Theory]
    [InlineData(RefScheme.None)]
    [InlineData(RefScheme.Lookup)]
    [InlineData(RefScheme.VmaHeldEpoch)]
    public void MbindsOwnCopyIsFreedAtOnceEvenWhereTreePoliciesWaitAGracePeriod(RefScheme scheme)
    {
        var k = new Kernel(Topology.NumaTopology.Uniform(2, 1), new KernelConfig { Scheme = scheme, SpLock = SpLockKind.Snapshot, ClockNs = () => 1 });
        var t1 = k.CreateProcess(0);
        int id = k.Shmget(t1, Ipc.ShmFlags.IpcPrivate, 16 * 4096, Ipc.ShmFlags.IpcCreat);
        ulong v1 = (ulong)k.Shmat(t1, id, 0, 0);
        Assert.Equal(0, k.Mbind(t1, v1, 16 * 4096, (int)MempolicyMode.Interleave, [3], 65, 0));

        // do_mbind's mpol_put(new): the tree holds sp_alloc's copy, no reader ever saw this one.
        var a = k.Audit();
        Assert.Equal(1, a.Freed);
        Assert.Equal(0, a.WaitingPeak);
        Assert.Equal(0, a.Waited);
    }
}
