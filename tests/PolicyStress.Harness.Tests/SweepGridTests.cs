using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;

namespace PolicyStress.Harness.Tests;

public class SweepGridTests
{
    [Fact]
    public void ExpandTakesEveryCombinationFirstAxisOutermostRepsInnermost()
    {
        var points = new SweepGrid(new RunConfig())
            .Over([1, 2], (c, n) => c with { Tasks = n })
            .Over([RefScheme.Lookup, RefScheme.None], (c, s) => c with { Scheme = s })
            .Expand(2);
        Assert.Equal(
            ["1 Lookup 1", "1 Lookup 2", "1 None 1", "1 None 2", "2 Lookup 1", "2 Lookup 2", "2 None 1", "2 None 2"],
            points.Select(p => $"{p.Tasks} {p.Scheme} {p.Rep}"));
    }

    [Fact]
    public void ExpandRunsLookup2007OncePerPointOnTheSpinlock()
    {
        var points = new SweepGrid(new RunConfig())
            .Over([SpLockKind.RwLock, SpLockKind.Snapshot, SpLockKind.RwLock], (c, l) => c with { SpLock = l })
            .Over([RefScheme.Lookup2007, RefScheme.Lookup], (c, s) => c with { Scheme = s })
            .Expand(1);
        Assert.Equal(["Lookup2007 Spin", "Lookup RwLock", "Lookup Snapshot"], points.Select(p => $"{p.Scheme} {p.SpLock}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SuiteGivesEveryPointTenIntervalsAndRepeatsTheSpreadPoints(bool quick)
    {
        var topology = TestTopologies.Live();
        var points = SuitePlan.Create(topology, quick);
        int cpus = topology.AllowedCpus.Count;

        Assert.All(points, p => Assert.Equal(10, p.Intervals));   // compare needs 5 a side; 10 narrow its CI
        Assert.All(points, p => Assert.InRange(p.FaultingTasks, 1, cpus));
        Assert.Equal(points.Count, points.Distinct().Count());
        foreach (var s in SuitePlan.SpreadSchemes)
            Assert.Equal(SuitePlan.SpreadReps, points.Count(p => p.Scheme == s && p.Workload == Workloads.WorkloadKind.Pft
                && p.SpLock == SpLockKind.Snapshot && p.Tasks == cpus));
        Assert.All(points.Where(p => p.Rep > 1), p => Assert.Contains(p.Scheme, SuitePlan.SpreadSchemes));
    }

    [Fact]
    public void SuiteRunsEverySchemeOfTheRegistryAndTheScalableOnesOnlyInTheirSmallSection()
    {
        var topology = TestTopologies.Live();
        var points = SuitePlan.Create(topology, quick: true);
        int cpus = topology.AllowedCpus.Count;
        Assert.Equal(Engine.Refcounting.Schemes.SchemeRegistry.Kinds.Order(), points.Select(p => p.Scheme).Distinct().Order());
        foreach (var s in Engine.Refcounting.Schemes.SchemeRegistry.All.Where(s => s.Scalable))
        {
            var mine = points.Where(p => p.Scheme == s.Kind).ToList();
            Assert.Equal(3, mine.Count);   // churn on rwlock and snapshot, pft on snapshot
            Assert.All(mine, p => Assert.Equal(cpus, p.Tasks));
            Assert.Contains(mine, p => p.Workload == Workloads.WorkloadKind.Pft && p.SpLock == SpLockKind.Snapshot);
        }
    }

    [Fact]
    public void SuiteRunsPftOnEveryTreeLockKindAndTheThreadModelAtEveryMmapLockKind()
    {
        var points = SuitePlan.Create(TestTopologies.Live(), quick: true);
        foreach (var l in new[] { SpLockKind.RwLock, SpLockKind.Rwls, SpLockKind.Snapshot })
            Assert.Contains(points, p => p.Workload == Workloads.WorkloadKind.Pft && p.SpLock == l && p.Scheme == RefScheme.Lookup);
        if (points.Max(p => p.Tasks) < 2) return;   // the thread model needs two tasks
        foreach (var w in new[] { Workloads.WorkloadKind.Pft, Workloads.WorkloadKind.Wis })
            foreach (var m in SuitePlan.MmapLocks)
                Assert.Contains(points, p => p.Workload == w && p.MmapLock == m && p.ThreadsPerMm == 2);
    }
}
