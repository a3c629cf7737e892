using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>Engine behaviour that `policystress conformance` found differing from the kernel (6.18) for anonymous mappings.</summary>
public class MmapConformanceTests
{
    /// <summary>
    /// Pieces of one private anonymous mapping that were faulted while their policies differed get
    /// anon_vmas of their own (anon_vma_prepare → find_mergeable_anon_vma reuses a neighbour's only with
    /// an equal policy), and is_mergeable_anon_vma() then keeps them apart even once their policies are
    /// equal again: the kernel shows two vmas where the policies alone would merge them into one.
    /// </summary>
    [Fact]
    public void PiecesFaultedWithDifferentPoliciesDoNotMergeBack()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 3);
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, Page, Bind, Mask(1), MaxNode, 0));
        Assert.True(k.Fault(t, a + 2 * Page) >= 0);   // [a+2, a+3) gets an anon_vma of its own
        Assert.True(k.Fault(t, a + Page) >= 0);       // [a, a+2): its neighbour's policy differs, a new one
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, Page, 0, null, 0, 0));
        Assert.Equal([a, a + 2 * Page], t.Mm.VmaList.Select(v => v.Start));
        AssertClean(k);
    }

    /// <summary>A split before any fault leaves both pieces without an anon_vma: they merge back, as in the kernel.</summary>
    [Fact]
    public void PiecesWithoutPagesMergeBack()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 3);
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, Page, Bind, Mask(1), MaxNode, 0));
        Assert.Equal(2, t.Mm.VmaList.Count);
        Assert.True(k.Fault(t, a + 2 * Page) >= 0);   // only one side has an anon_vma: still mergeable
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, Page, 0, null, 0, 0));
        Assert.Equal([a], t.Mm.VmaList.Select(v => v.Start));
        AssertClean(k);
    }

    /// <summary>A split piece shares its anon_vma with the rest: resetting its policy merges it back.</summary>
    [Fact]
    public void SplitOfAFaultedVmaMergesBack()
    {
        var k = FourNodes();
        var t = k.CreateProcess(0);
        ulong a = MapAnon(k, t, 4);
        Assert.True(k.Fault(t, a) >= 0);
        Assert.True(k.Fault(t, a + 3 * Page) >= 0);
        Assert.Equal(0, k.Mbind(t, a + Page, 2 * Page, Bind, Mask(2), MaxNode, 0));
        Assert.Equal(3, t.Mm.VmaList.Count);
        Assert.Equal(0, k.Mbind(t, a + Page, 2 * Page, 0, null, 0, 0));
        Assert.Equal([a], t.Mm.VmaList.Select(v => v.Start));
        AssertClean(k);
    }
}
