using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine.Tests;

/// <summary>The registry is the one list of schemes, and a kernel follows the definition it was built with.</summary>
public class SchemeRegistryTests
{
    [Fact]
    public void EverySchemeKeyHasOneDefinitionWithAUniqueName()
    {
        Assert.Equal(Enum.GetValues<RefScheme>().Order(), SchemeRegistry.Kinds.Order());
        Assert.Equal(SchemeRegistry.All.Count, SchemeRegistry.All.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        foreach (var s in SchemeRegistry.All)
        {
            Assert.Same(s, SchemeRegistry.Of(s.Kind));
            Assert.Same(s, SchemeRegistry.Find(s.Name.ToUpperInvariant()));
            Assert.False(string.IsNullOrWhiteSpace(s.Summary));
        }
        Assert.Null(SchemeRegistry.Find("no-such-scheme"));
    }

    [Fact]
    public void TheKernelConfigReadsSafetyLockAndEraFromTheDefinition()
    {
        foreach (var s in SchemeRegistry.All)
        {
            var c = new KernelConfig { Scheme = s.Kind, SpLock = SpLockKind.Snapshot };
            Assert.Equal(s.ForcedSpLock ?? SpLockKind.Snapshot, c.EffectiveSpLock);
            Assert.Equal(s.ObjectModel2007, c.Era2007);
            Assert.Equal(s.Safety != SafetyClaim.DoesNot, c.ClaimsSafety);
            Assert.Equal(s.Safety == SafetyClaim.Claims, (c with { Bugs = Bugs2007.All }).ClaimsSafety);
        }
    }

    [Fact]
    public void OnlySchemesThatDeferFreesGetAReclaimerAndHazptrGetsTheScanningOne()
    {
        foreach (var s in SchemeRegistry.All)
            foreach (var l in Enum.GetValues<SpLockKind>())
            {
                var k = new Kernel(Topology.NumaTopology.Uniform(2, 1), new KernelConfig { Scheme = s.Kind, SpLock = l });
                Assert.Equal(s.DefersFrees(k.Config.EffectiveSpLock), k.UsesGracePeriods || k.UsesHazardScans);
                Assert.Equal(s.UsesGracePeriods(k.Config.EffectiveSpLock), k.UsesGracePeriods);
                Assert.Equal(s.Frees == FreeRule.HazardScan, k.UsesHazardScans);
            }
    }
}
