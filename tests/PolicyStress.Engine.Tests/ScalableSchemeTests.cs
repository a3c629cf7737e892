using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// The scalable schemes, each at the replace-during-use window made deterministic with the pause point: task2
/// has looked up the tree policy and not yet used it when task1 replaces the range. The policy must stay
/// alive through the window (not freed even after a reclaim), be held the scheme's way (which counter the
/// fault touched), and be freed once the window is over and the scheme's wait has passed.
/// </summary>
public class ScalableSchemeTests
{
    /// <summary>What the test saw inside the window.</summary>
    private sealed record Window(Mempolicy Victim, int RefCountInWindow, bool FreedInWindow, long PendingInWindow);

    private static Window ReplaceInTheWindow(SchemeFixture f, ulong v1, ulong v2, Action<Mempolicy>? inWindow = null)
    {
        f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Interleave, 0, 1, 2, 3);
        var victim = f.Tree[0].Policy;
        Window? seen = null;
        f.Kernel.PausePoint = (task, pol) =>
        {
            if (seen is not null || task != f.Task2) return;
            Assert.Same(victim, pol);
            inWindow?.Invoke(victim);
            f.Mbind(f.Task1, v1, 0, 16, MempolicyMode.Bind, 3);
            f.Kernel.Reclaim();
            seen = new Window(victim, victim.RefCount, victim.IsFreed, f.Kernel.PendingFrees);
        };
        Assert.True(f.Kernel.Fault(f.Task2, v2 + 5 * SchemeFixture.Page) >= 0);
        f.Kernel.PausePoint = null;
        Assert.NotNull(seen);
        return seen;
    }

    /// <summary>Both tasks pass quiescent points and a writer reclaims, a few rounds: every wait ends.</summary>
    private static void LetWaitsEnd(SchemeFixture f, ulong v1, ulong v2)
    {
        for (int round = 0; round < 4; round++)
        {
            f.Kernel.Fault(f.Task1, v1 + 9 * SchemeFixture.Page);
            f.Kernel.Fault(f.Task2, v2 + 10 * SchemeFixture.Page);
            f.Kernel.Reclaim();
        }
    }

    [Theory]
    [InlineData(RefScheme.Rcuref, SpLockKind.RwLock)]
    [InlineData(RefScheme.Rcuref, SpLockKind.Snapshot)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.RwLock)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Hazptr, SpLockKind.RwLock)]
    [InlineData(RefScheme.Hazptr, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Refcache, SpLockKind.RwLock)]
    [InlineData(RefScheme.Refcache, SpLockKind.Snapshot)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.RwLock)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.Snapshot)]
    public void APolicyReplacedDuringUseStaysAliveThroughTheWindowAndIsFreedAfter(RefScheme scheme, SpLockKind spLock)
    {
        var f = new SchemeFixture(scheme, spLock, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        var w = ReplaceInTheWindow(f, v1, v2);

        Assert.False(w.FreedInWindow);
        Assert.True(w.PendingInWindow > 0 || w.RefCountInWindow > 0);
        f.AssertClean();                    // the use after the window read a live policy
        LetWaitsEnd(f, v1, v2);
        Assert.True(w.Victim.IsFreed);
        Assert.Equal(0, f.Kernel.PendingFrees);
        f.AssertClean();
    }

    [Fact]
    public void RcurefTakesTheFaultsReferenceOnTheSharedCountAndTheLastPutMarksItDead()
    {
        var f = new SchemeFixture(RefScheme.Rcuref, SpLockKind.Snapshot, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        int inside = 0;
        var w = ReplaceInTheWindow(f, v1, v2, victim => inside = victim.RefCount);
        Assert.Equal(2, inside);                          // the tree's reference and the fault's
        Assert.Equal(PolicyCache.RcurefDead, w.Victim.RefCount);   // the fault's put was the last: dead, waiting
        Assert.False(f.Kernel.Policies.TryGetRcuref(w.Victim));    // a late lock-free get fails
        Assert.Equal(PolicyCache.RcurefDead, w.Victim.RefCount);
        LetWaitsEnd(f, v1, v2);
        Assert.True(w.Victim.IsFreed);
    }

    [Fact]
    public void PercpuRefFaultsTouchOnlyTheirCpusSlotAndTheKillWaitsAGracePeriod()
    {
        var f = new SchemeFixture(RefScheme.PercpuRef, SpLockKind.RwLock, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        int shared = -1;
        long slots = -1;
        var w = ReplaceInTheWindow(f, v1, v2, victim =>
        {
            shared = victim.RefCount;
            slots = victim.PcpuCounts!.Sum();
        });
        Assert.Equal(1, shared);   // only the tree's reference is on the shared count
        Assert.Equal(1, slots);    // the fault's is on its CPU's slot
        Assert.Equal(0, w.RefCountInWindow);
        Assert.Equal(PercpuRef.Dead, w.Victim.PcpuState);   // killed at sp_delete, not yet switched
        LetWaitsEnd(f, v1, v2);
        Assert.True(w.Victim.IsFreed);
        Assert.True(f.Kernel.Audit().PercpuBytesPerPolicy == 8 * f.Kernel.Topology.CpuCount);
    }

    [Fact]
    public void HazptrKeepsAPublishedPolicyThroughEveryScanUntilTheSlotClears()
    {
        var f = new SchemeFixture(RefScheme.Hazptr, SpLockKind.Snapshot, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        int slot = 0;
        var w = ReplaceInTheWindow(f, v1, v2, _ => slot = f.Task2.Hazard.PolicyId);
        Assert.Equal(w.Victim.Id, slot);
        Assert.Equal(1, w.PendingInWindow);
        Assert.Equal(0, f.Task2.Hazard.PolicyId);   // cleared when the use ended
        f.Kernel.Reclaim();                   // the next scan finds no slot holding it
        Assert.True(w.Victim.IsFreed);
        Assert.True(f.Kernel.Audit().Scans >= 2);
    }

    [Fact]
    public void RefcacheFaultsWriteNoSharedCountAndAZeroCountWaitsTwoEpochs()
    {
        var f = new SchemeFixture(RefScheme.Refcache, SpLockKind.RwLock, pages: 16);
        ulong v1 = f.Attach(f.Task1), v2 = f.Attach(f.Task2);
        int shared = -1;
        var w = ReplaceInTheWindow(f, v1, v2, victim => shared = victim.RefCount);
        Assert.Equal(1, shared);               // the fault's +1 is in task2's delta cache
        Assert.Equal(0, w.RefCountInWindow);   // the tree's put reached zero: under review
        // One round of quiescent points ends the first epoch only.
        f.Kernel.Fault(f.Task1, v1 + 9 * SchemeFixture.Page);
        f.Kernel.Fault(f.Task2, v2 + 10 * SchemeFixture.Page);
        f.Kernel.Reclaim();
        Assert.False(w.Victim.IsFreed);
        LetWaitsEnd(f, v1, v2);
        Assert.True(w.Victim.IsFreed);
        f.AssertClean();
    }
}
