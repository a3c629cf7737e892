using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Tests;

/// <summary>A short run of every workload completes, faults, and shows the audit its scheme predicts.</summary>
public sealed class WorkloadRunTests
{
    private static RunConfig Short(WorkloadKind w, RefScheme s, SpLockKind l = SpLockKind.RwLock) => new()
    {
        Workload = w, Scheme = s, SpLock = l, Tasks = 2, StormFactor = 2,
        Warmup = TimeSpan.FromMilliseconds(50), Duration = TimeSpan.FromMilliseconds(200), Interval = TimeSpan.FromMilliseconds(100),
    };

    [Theory]
    [InlineData(WorkloadKind.Pft, RefScheme.Lookup, SpLockKind.RwLock)]
    [InlineData(WorkloadKind.Wis, RefScheme.None, SpLockKind.Snapshot)]
    [InlineData(WorkloadKind.Storm, RefScheme.Lookup, SpLockKind.Sharded)]
    [InlineData(WorkloadKind.Churn, RefScheme.Lookup, SpLockKind.RwLock)]
    [InlineData(WorkloadKind.Churn, RefScheme.VmaHeldEpoch, SpLockKind.Snapshot)]
    [InlineData(WorkloadKind.Churn, RefScheme.Lookup2007, SpLockKind.Spin)]
    [InlineData(WorkloadKind.Churn, RefScheme.Rcuref, SpLockKind.Snapshot)]
    [InlineData(WorkloadKind.Churn, RefScheme.PercpuRef, SpLockKind.RwLock)]
    [InlineData(WorkloadKind.Churn, RefScheme.Hazptr, SpLockKind.Snapshot)]
    [InlineData(WorkloadKind.Churn, RefScheme.Refcache, SpLockKind.RwLock)]
    [InlineData(WorkloadKind.Churn, RefScheme.VmaRcu, SpLockKind.Snapshot)]
    public void SafeSchemesRunWithoutErrorsOrFindings(WorkloadKind w, RefScheme s, SpLockKind l)
    {
        var o = StressRunner.Run(Short(w, s, l), TestTopologies.LiveVirtual());

        Assert.True(o.Faults > 0);
        Assert.Equal(0, o.FaultErrors);
        Assert.True(o.LatencySamples > 0);
        Assert.Equal(s != RefScheme.None, o.ClaimsSafety);
        Assert.Equal(0, o.Audit.Findings);
        Assert.Equal(0, o.MinorFaults);   // every fault allocates: the pages are released after each pass
        // The writers ran beside the faulters. Not each of them: one numa_maps read on the spinlock tree can
        // outlast the 200 ms window on two loaded CPUs, and an operation is counted only inside it.
        if (w == WorkloadKind.Churn) Assert.True(o.Writers.Values.Sum(ws => ws.Ops) > 0);
        // One rate per measured interval, each a sum over tasks like the whole window's.
        Assert.Equal(2, o.IntervalFaultsPerSec.Length);
        Assert.All(o.IntervalFaultsPerSec, r => Assert.True(r > 0));
        Assert.InRange(o.TaskCv, 0, 2);
    }

    [Theory]
    [InlineData(WorkloadKind.Pft)]
    [InlineData(WorkloadKind.Wis)]
    [InlineData(WorkloadKind.Storm)]
    public void PolicyNoneMakesNoMbindSoFaultsTakeNoReference(WorkloadKind w)
    {
        var o = StressRunner.Run(Short(w, RefScheme.Lookup) with { Policy = PolicyKind.None }, TestTopologies.LiveVirtual());

        Assert.True(o.Faults > 0);
        Assert.Equal(0, o.FaultErrors);
        Assert.Equal(0, o.RefAtomicsPerFault);   // the empty tree returns before the lookup reference
        Assert.Equal(0, o.Audit.Findings);
    }

    [Fact]
    public void KernelFaultCostRecordsItsCalibration()
    {
        var given = StressRunner.Run(Short(WorkloadKind.Pft, RefScheme.Lookup) with
            { FaultCost = Engine.FaultCostKind.Kernel, PrivateWork = new PrivateWorkSetting(PrivateWorkMode.Given, 100) }, TestTopologies.LiveVirtual());
        Assert.True(given.Faults > 0);
        Assert.Equal(("given", 100.0), (given.Calibration!.Source, given.Calibration.PrivateWorkNs));
        Assert.True(given.Calibration.Iterations > 0);

        var byDefault = StressRunner.Run(Short(WorkloadKind.Wis, RefScheme.None) with
            { FaultCost = Engine.FaultCostKind.Kernel, PrivateWork = new PrivateWorkSetting(PrivateWorkMode.Default) }, TestTopologies.LiveVirtual());
        var cal = byDefault.Calibration!;
        Assert.Equal(("default", FaultCostCalibration.DefaultRealFaultNs), (cal.Source, cal.RealFaultNs));
        Assert.True(cal.ModelFaultNs > 0);
        Assert.Equal(Math.Max(0, cal.RealFaultNs - cal.ModelFaultNs), cal.PrivateWorkNs, 6);

        Assert.Null(StressRunner.Run(Short(WorkloadKind.Pft, RefScheme.Lookup), TestTopologies.LiveVirtual()).Calibration);   // isolated
    }

    [Theory]
    [InlineData("auto", PrivateWorkMode.Auto, 0)]
    [InlineData("default", PrivateWorkMode.Default, 0)]
    [InlineData("2500", PrivateWorkMode.Given, 2500)]
    [InlineData("0ns", PrivateWorkMode.Given, 0)]
    public void PrivateWorkSettingsParse(string text, PrivateWorkMode mode, int ns)
    {
        Assert.True(PrivateWorkSetting.TryParse(text, out var s));
        Assert.Equal(new PrivateWorkSetting(mode, ns), s);
        Assert.False(PrivateWorkSetting.TryParse("-5", out _));
    }

    [Theory]
    [InlineData(WorkloadKind.Pft)]
    [InlineData(WorkloadKind.Wis)]
    [InlineData(WorkloadKind.Churn)]
    public void TheBarrierScheduleFaultsEveryPassAndCountsTheFreeingApart(WorkloadKind w)
    {
        var o = StressRunner.Run(Short(w, RefScheme.Lookup) with { Schedule = ScheduleKind.Barrier }, TestTopologies.LiveVirtual());

        Assert.True(o.Faults > 0);
        Assert.Equal(0, o.FaultErrors);
        Assert.Equal(0, o.MinorFaults);   // every pass was freed before the next began
        Assert.True(o.EngineFreeSeconds > 0);
        Assert.Equal(0, o.Audit.Findings);
        Assert.Null(StressRunner.Run(Short(w, RefScheme.Lookup), TestTopologies.LiveVirtual()).EngineFreeSeconds);   // inline
    }

    [Fact]
    public void CoefficientOfVariationIsTheSampleStddevOverTheMean()
    {
        Assert.Equal(0, StressRunner.CoefficientOfVariation([5.0]));
        Assert.Equal(0, StressRunner.CoefficientOfVariation([3.0, 3.0, 3.0]));
        // mean 2, sample variance ((1)^2 + 0 + 1^2) / 2 = 1.
        Assert.Equal(0.5, StressRunner.CoefficientOfVariation([1.0, 2.0, 3.0]), 12);
    }

    [Fact]
    public void ChurnOnLookup2007WithAllBugsShowsFindings()
    {
        var o = StressRunner.Run(Short(WorkloadKind.Churn, RefScheme.Lookup2007) with { Bugs = Bugs2007.All }, TestTopologies.LiveVirtual());

        Assert.False(o.ClaimsSafety);
        Assert.True(o.Audit.Findings > 0, o.Audit.ToString());
    }

    [Fact]
    public void ReadmeDescribesEveryWorkloadInTheWordsOfHelp()
    {
        string? repo = Results.Provenance.FindRepo(AppContext.BaseDirectory);
        Assert.NotNull(repo);
        string readme = File.ReadAllText(Path.Combine(repo, "README.md"));
        foreach (var (name, kind) in WorkloadNames.All)
        {
            var (shares, models) = WorkloadNames.Describe(kind);
            Assert.Contains($"| `{name}` | {shares} | {models} |", readme);
        }
    }
}
