using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Harness.Tests;

/// <summary>Every task's thread reports (sched_getcpu) running on the CPU it was planned on.</summary>
public sealed class PinningTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void EachTaskRunsOnItsPlannedCpu(int threadsPerMm)
    {
        var topo = TestTopologies.Live();
        var c = new RunConfig
        {
            Workload = WorkloadKind.Wis, Tasks = topo.AllowedCpus.Count, ThreadsPerMm = threadsPerMm,
            Warmup = TimeSpan.FromMilliseconds(20), Duration = TimeSpan.FromMilliseconds(100), Interval = TimeSpan.FromMilliseconds(100),
        };

        var o = StressRunner.Run(c, topo);

        Assert.Equal(topo.AllowedCpus.Order(), o.PlannedCpus.Order());
        Assert.Equal(o.PlannedCpus, o.ObservedCpus);
        Assert.Equal(0, o.CpuMismatches);
    }
}
