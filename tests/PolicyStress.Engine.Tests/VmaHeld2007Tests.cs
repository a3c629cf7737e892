using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Figure 3 taken literally on the 2.6.23 object model (vma-held-2007, issue 13 finding 9): attach references
/// every policy in the tree, a detach drops one on every policy in the tree at that time. The auditor shows
/// what each change of the tree between an attach and its detach costs.
/// </summary>
public class VmaHeld2007Tests
{
    [Fact]
    public void TheCountsAreTheTreesTheInstallersVmaAndEachEarlierAttach()
    {
        var f = new SchemeFixture(RefScheme.VmaHeld2007, pages: 16);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 0, 8, MempolicyMode.Interleave, 0, 1);
        Assert.Equal([2], f.TreeRefs);   // the tree node and task1's vm_policy are one object (sp_alloc's mpol_get)
        f.Attach(f.Task2);
        Assert.Equal([3], f.TreeRefs);   // + task2's attach
        f.AssertClean();
    }

    [Fact]
    public void ADetachDecrementsAPolicyInsertedAfterItsAttachAndTheCountGoesWrong()
    {
        var f = new SchemeFixture(RefScheme.VmaHeld2007, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);   // both attach an empty tree: no references taken
        f.Mbind(f.Task1, v1, 0, 8, MempolicyMode.Interleave, 0, 1);
        var p = f.Tree[0].Policy;
        Assert.Equal(2, p.RefCount);                    // the tree's and task1's vma's
        Assert.Equal(0, f.Kernel.Shmdt(f.Task2, v2));   // decrements p, which it never referenced
        Assert.Equal(1, p.RefCount);
        var audit = f.Kernel.Audit();
        Assert.True(audit.RefMismatch > 0, audit.ToString());
        Assert.Equal(0, f.Kernel.Shmdt(f.Task1, v1));   // decrements it again: freed while the tree points to it
        audit = f.Kernel.Audit();
        Assert.True(audit.Findings > 0, audit.ToString());
        Assert.True(p.IsFreed);
    }

    [Fact]
    public void APolicyRemovedAfterAnAttachKeepsThatAttachsReferenceForEver()
    {
        var f = new SchemeFixture(RefScheme.VmaHeld2007, pages: 16);
        ulong v1 = f.Attach(f.Task1);
        f.Mbind(f.Task1, v1, 0, 8, MempolicyMode.Interleave, 0, 1);
        var p = f.Tree[0].Policy;
        ulong v2 = f.Attach(f.Task2);                    // references p
        f.Mbind(f.Task1, v1, 0, 8, MempolicyMode.Bind, 2);   // replaces p: the tree's and task1's vma's references go
        Assert.Equal(1, p.RefCount);                     // task2's attach reference alone
        Assert.Equal(0, f.Kernel.Shmdt(f.Task2, v2));   // drops one on the new policy instead
        Assert.Equal(1, p.RefCount);
        var audit = f.Kernel.Audit();
        Assert.True(audit.Leaked > 0, audit.ToString());
        Assert.False(p.IsFreed);
    }

    [Fact]
    public void AReplaceDuringAnotherTasksFaultFreesThePolicyOnlyWhenTheLastHolderDropsIt()
    {
        // task2 attached before the mbind, so only the tree and task1's vma hold the policy; the replace drops both.
        var f = new SchemeFixture(RefScheme.VmaHeld2007, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Interleave, 0, 1, 2, 3);
        var victim = f.Tree[0].Policy;
        bool fired = false;
        f.Kernel.PausePoint = (task, pol) =>
        {
            if (fired || task != f.Task2) return;
            fired = true;
            f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Bind, 3);
        };
        f.Kernel.Fault(f.Task2, v2 + 5 * SchemeFixture.Page);
        f.Kernel.PausePoint = null;
        Assert.True(fired);
        Assert.True(victim.IsFreed);
        Assert.True(f.Kernel.Audit().Uaf > 0);
    }

    [Fact]
    public void ItRunsOnTheSpinlockTreeAndClaimsNoSafety()
    {
        var c = new KernelConfig { Scheme = RefScheme.VmaHeld2007, SpLock = SpLockKind.Snapshot };
        Assert.Equal(SpLockKind.Spin, c.EffectiveSpLock);
        Assert.True(c.Era2007);
        Assert.False(c.ClaimsSafety);
    }
}
