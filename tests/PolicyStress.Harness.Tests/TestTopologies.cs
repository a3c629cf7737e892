using PolicyStress.Harness.Topology;
using PolicyStress.Linux;

namespace PolicyStress.Harness.Tests;

/// <summary>The topology of the machine running the tests, as the harness sees it.</summary>
internal static class TestTopologies
{
    public static RunTopology Live() => TopologyFactory.Create(SysfsTopology.Read());

    /// <summary>The live allowed CPUs split in two virtual nodes (one node when only one CPU is allowed).</summary>
    public static RunTopology LiveVirtual()
    {
        var live = Live();
        return TopologyFactory.Virtual(live.AllowedCpus, Math.Min(2, live.AllowedCpus.Count), live.LogicalCpus, live.MachineNodes, live.CpuModel);
    }
}
