using PolicyStress.Harness.Topology;

namespace PolicyStress.Harness.Tests;

/// <summary>Placement plans on real (sysfs fixture) and virtual topologies.</summary>
public sealed class TaskPlacementTests
{
    [Fact]
    public void OnTwoSocketsSpreadAlternatesNodesAndCompactFillsNodeZeroFirst()
    {
        using var fx = SysfsTree.TwoSocket();
        var t = TopologyFactory.Create(fx.Read());

        Assert.False(t.IsVirtual);
        Assert.Equal([0, 4, 1, 5], PlacementPlanner.Plan(t, 4, Placement.Spread));
        Assert.Equal([0, 1, 2, 3, 4], PlacementPlanner.Plan(t, 5, Placement.Compact));
        Assert.Equal([4, 5, 6], PlacementPlanner.Plan(t, 3, Placement.Parse("nodes=1")));
        Assert.Equal([0, 4, 1, 5, 2, 6, 3, 7, 0, 4], PlacementPlanner.Plan(t, 10, Placement.Spread));   // storm wraps
        var e = t.ToEngine();
        Assert.Equal(2, e.NodeCount);
        Assert.Equal(21, e.Distance[0, 1]);
        Assert.Equal(1, e.CpuToNode[6]);
    }

    [Fact]
    public void CpuLessNodesAreKeptForMemoryButGetNoTasks()
    {
        using var fx = SysfsTree.FourNodeCpuLess();
        var t = TopologyFactory.Create(fx.Read());

        Assert.Equal(4, t.Nodes.Count);
        Assert.Equal([0, 4, 1, 5, 2], PlacementPlanner.Plan(t, 5, Placement.Spread));
        var e = t.ToEngine();
        Assert.Equal(0b1111UL, e.MemoryNodes.Bits);
        Assert.Equal(28, e.Distance[0, 3]);
        Assert.Throws<TopologyException>(() => PlacementPlanner.Plan(t, 1, Placement.Parse("nodes=2")));
    }

    [Fact]
    public void CpusetLimitsCpusAndFakeNumaSplitsThem()
    {
        using var fx = SysfsTree.TwoSocket().Allowed("0-3", "0-1");
        var machine = fx.Read();
        var real = TopologyFactory.Create(machine);
        Assert.Equal([0, 1, 2, 3], real.AllowedCpus);
        Assert.Equal([0, 1, 2], PlacementPlanner.Plan(real, 3, Placement.Spread));   // node 1 has no allowed CPU

        var virt = TopologyFactory.Create(machine, fakeNuma: 2);   // one node with allowed CPUs < 2: virtual
        Assert.True(virt.IsVirtual);
        Assert.Equal("virtual", virt.Kind);
        Assert.Equal([[0, 1], [2, 3]], virt.Nodes.Select(n => n.Cpus.ToArray()));
        Assert.Equal([0, 2, 1, 3], PlacementPlanner.Plan(virt, 4, Placement.Spread));
        Assert.Equal(20, virt.ToEngine().Distance[1, 0]);

        Assert.False(TopologyFactory.Create(SysfsTreeTwoSocketMachine(), fakeNuma: 2).IsVirtual);   // enough real nodes
    }

    [Fact]
    public void ToEngineKeepsRealNodeIdsAndWeightsWhenTheCpusetLeavesANodeOut()
    {
        using var fx = SysfsTree.TwoSocket().Allowed("4-7", "1")
            .Write("sys/kernel/mm/mempolicy/weighted_interleave/node1", "3\n");
        var t = TopologyFactory.Create(fx.Read());
        Assert.Equal([1], t.Nodes.Select(n => n.Id));

        var e = t.ToEngine();
        Assert.Equal(2, e.NodeCount);                  // nr_node_ids: node 0 still exists, with nothing allowed on it
        Assert.Equal(0b10UL, e.MemoryNodes.Bits);
        Assert.Equal(1, e.CpuToNode[5]);
        Assert.Equal(3, e.WeightOf(1));
        Assert.Equal(20, e.Distance[0, 1]);            // REMOTE_DISTANCE to a node the run does not see
    }

    [Fact]
    public void TaskStepsAreOneThenPowersOfTwoThenAll()
    {
        Assert.Equal([1], PlacementPlanner.TaskSteps(1));
        Assert.Equal([1, 2], PlacementPlanner.TaskSteps(2));
        Assert.Equal([1, 2, 4, 6], PlacementPlanner.TaskSteps(6));
        Assert.Equal([1, 2, 4, 8], PlacementPlanner.TaskSteps(8));
    }

    [Theory]
    [InlineData("spread")]
    [InlineData("compact")]
    [InlineData("nodes=0,1")]
    public void PlacementRoundTripsItsSpelling(string s) =>
        Assert.Equal(Placement.Parse(s), Placement.Parse(Placement.Parse(s).ToString()), PlacementComparer.Instance);

    [Fact]
    public void UnknownPlacementNamesTheAcceptedOnes() =>
        Assert.Contains("accepted", Assert.Throws<TopologyException>(() => Placement.Parse("everywhere")).Message);

    private static Linux.MachineTopology SysfsTreeTwoSocketMachine()
    {
        using var fx = SysfsTree.TwoSocket();
        return fx.Read();
    }

    private sealed class PlacementComparer : IEqualityComparer<Placement>
    {
        public static readonly PlacementComparer Instance = new();
        public bool Equals(Placement? a, Placement? b) => a!.Kind == b!.Kind && a.NodeIds.SequenceEqual(b.NodeIds);
        public int GetHashCode(Placement p) => (int)p.Kind;
    }
}
