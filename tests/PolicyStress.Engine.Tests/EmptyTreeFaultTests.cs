using PolicyStress.Engine.Refcounting;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// <c>--policy none</c>: a segment nobody mbinds has an empty shared policy tree, and a fault on it returns
/// from mpol_shared_policy_lookup()'s unlocked emptiness check before any lock or reference, as the kernel
/// does ("if (!sp->root.rb_node) return NULL").
/// </summary>
public class EmptyTreeFaultTests
{
    [Theory]
    [InlineData(SpLockKind.Spin, RefScheme.Lookup)]
    [InlineData(SpLockKind.RwLock, RefScheme.Lookup)]
    [InlineData(SpLockKind.Sharded, RefScheme.Lookup)]
    [InlineData(SpLockKind.RwLock, RefScheme.Lookup2007)]
    public void FaultsOnAnEmptyTreeTakeNoTreeLockAndNoReference(SpLockKind kind, RefScheme scheme)
    {
        var k = FourNodes(new KernelConfig { Scheme = scheme, SpLock = kind });
        var t = k.CreateProcess(0);
        var (seg, addr) = NewSegment(k, t, 64);
        var tree = seg.Object.Policy!;
        int faulted = 0;
        // The tree's lock is held for write the whole time: a fault that took it (read or write) would wait.
        tree.WhileWriteLocked(() =>
        {
            var faulter = new Thread(() =>
            {
                for (int i = 0; i < 64; i++)
                    if (k.Fault(t, addr + (ulong)i * Page) >= 0) faulted++;
            }) { IsBackground = true };
            faulter.Start();
            Assert.True(faulter.Join(TimeSpan.FromSeconds(30)), "a fault on the empty tree waited for the tree lock");
        });

        Assert.Equal(64, faulted);
        Assert.Equal(64, t.Counters.Allocations);
        Assert.Equal(0, t.Counters.RefAtomics);
        Assert.Equal(0, tree.Count);
        AssertClean(k);
    }

    [Fact]
    public void AFaultOnAPolicyRangeTakesTheLookupReference()
    {
        // The control of the test above: with a policy in the tree the same faults take a reference each (get + put).
        var k = FourNodes(new KernelConfig { Scheme = RefScheme.Lookup, SpLock = SpLockKind.RwLock });
        var t = k.CreateProcess(0);
        var (_, addr) = NewSegment(k, t, 64);
        Assert.Equal(0, k.Mbind(t, addr, 64 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        for (int i = 0; i < 64; i++) Assert.True(k.Fault(t, addr + (ulong)i * Page) >= 0);

        Assert.Equal(2 * 64, t.Counters.RefAtomics);
        AssertClean(k);
    }
}
