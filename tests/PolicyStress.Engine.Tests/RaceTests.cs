using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// The race Lee found on 6 Nov 2007, made deterministic with the engine's pause point: task2 has looked
/// up a shared policy and is about to allocate with it (no tree lock held) when task1 replaces that range.
/// Only the scheme whose fault holds no protection of its own — vma-held, "Figure 3" as written — uses the
/// freed policy.
/// </summary>
public class RaceTests
{
    [Theory]
    [InlineData(RefScheme.VmaHeld, SpLockKind.RwLock, true)]
    [InlineData(RefScheme.VmaHeld, SpLockKind.Spin, true)]
    [InlineData(RefScheme.VmaHeld, SpLockKind.Sharded, true)]
    [InlineData(RefScheme.VmaHeld2007, SpLockKind.Spin, true)]
    [InlineData(RefScheme.Lookup, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.Lookup, SpLockKind.Spin, false)]
    [InlineData(RefScheme.Lookup, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.Lookup, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.Lookup2007, SpLockKind.Spin, false)]
    [InlineData(RefScheme.VmaHeldGraveyard, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.VmaHeldEpoch, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.VmaHeldEpoch, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.None, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.None, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.Rcuref, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.Rcuref, SpLockKind.Spin, false)]
    [InlineData(RefScheme.Rcuref, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.Rcuref, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.Spin, false)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.Hazptr, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.Hazptr, SpLockKind.Spin, false)]
    [InlineData(RefScheme.Hazptr, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.Hazptr, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.Refcache, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.Refcache, SpLockKind.Spin, false)]
    [InlineData(RefScheme.Refcache, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.Refcache, SpLockKind.Snapshot, false)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.RwLock, false)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.Spin, false)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.Sharded, false)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.Snapshot, false)]
    public void ReplaceDuringAllocationUsesAFreedPolicyOnlyInTheUnsafeSchemes(RefScheme scheme, SpLockKind spLock, bool expectUseAfterFree)
    {
        var f = new SchemeFixture(scheme, spLock, pages: 16);
        ulong v1 = f.Attach(f.Task1);
        ulong v2 = f.Attach(f.Task2);
        f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Interleave, 0, 1, 2, 3);
        var victim = f.Tree[0].Policy;

        bool fired = false;
        f.Kernel.PausePoint = (task, pol) =>
        {
            if (fired || task != f.Task2) return;
            fired = true;
            Assert.Same(victim, pol);
            // task1 replaces the whole range while task2 is between lookup and allocation.
            f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Bind, 3);
        };
        int nid = f.Kernel.Fault(f.Task2, v2 + 5 * SchemeFixture.Page);
        f.Kernel.PausePoint = null;
        Assert.True(fired);
        Assert.True(nid >= 0);

        var audit = f.Kernel.Audit();
        if (expectUseAfterFree)
        {
            Assert.True(audit.Uaf > 0, audit.ToString());
        }
        else
        {
            Assert.True(audit.Findings == 0, audit.ToString());
            Assert.True(nid is 0 or 1 or 2 or 3);
        }
    }
}
