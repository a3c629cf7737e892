namespace PolicyStress.Linux.Tests;

public sealed class SysfsTopologyTests
{
    [Fact]
    public void TwoSocketMachineHasTwoNodesOfFourCpus()
    {
        using var fx = new SysfsFixture()
            .Node(0, "0-3", "10 21", 8_000_000)
            .Node(1, "4-7", "21 10", 8_100_000)
            .Sysfs("devices/system/node/possible", "0-1\n")
            .Sysfs("devices/system/node/online", "0-1\n")
            .Sysfs("devices/system/node/has_memory", "0-1\n")
            .Sysfs("devices/system/cpu/online", "0-7\n")
            .Sysfs("kernel/mm/mempolicy/weighted_interleave/node0", "3\n")
            .Sysfs("kernel/mm/mempolicy/weighted_interleave/node1", "1\n")
            .Procfs("cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz\n\nprocessor\t: 1\n")
            .Status("0-7", "0-1");

        MachineTopology t = fx.Read();

        Assert.Equal([0, 1], t.Nodes.Select(n => n.Id));
        Assert.Equal([0, 1, 2, 3], t.Node(0).Cpus);
        Assert.Equal([4, 5, 6, 7], t.Node(1).Cpus);
        Assert.True(t.Node(0).HasMemory && t.Node(1).HasMemory);
        Assert.Equal(8_000_000, t.Node(0).MemTotalKb);
        Assert.Equal(8_100_000, t.Node(1).MemTotalKb);
        Assert.Equal(10, t.Distance(0, 0));
        Assert.Equal(21, t.Distance(0, 1));
        Assert.Equal(21, t.Distance(1, 0));
        Assert.Equal(3, t.Node(0).InterleaveWeight);
        Assert.Equal(1, t.Node(1).InterleaveWeight);
        Assert.Equal([0, 1], t.PossibleNodes);
        Assert.Equal([0, 1], t.OnlineNodes);
        Assert.Equal("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", t.CpuModel);
        Assert.Equal(8, t.LogicalCpuCount);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], t.CpusAllowed);
        Assert.Equal([0, 1], t.MemsAllowed);
        Assert.Equal(1, t.NodeOfCpu(5));
        Assert.Equal(-1, t.NodeOfCpu(8));
    }

    [Fact]
    public void MemoryOnlyNodesHaveNoCpus()
    {
        // Nodes 2 and 3 are CXL/HBM-style memory-only nodes; the matrix need not be symmetric.
        using var fx = new SysfsFixture()
            .Node(0, "0-3", "10 16 22 28", 4_000_000)
            .Node(1, "4-7", "16 10 28 22", 4_000_000)
            .Node(2, "", "22 28 10 16", 16_000_000)
            .Node(3, "", "30 22 16 10", 16_000_000)
            .Sysfs("devices/system/node/possible", "0-7\n")
            .Sysfs("devices/system/node/online", "0-3\n")
            .Sysfs("devices/system/cpu/online", "0-7\n")
            .Sysfs("kernel/mm/mempolicy/weighted_interleave/node2", "4\n")
            .Status("0-3", "0-3");
        // No has_memory file, no weight for nodes 0/1/3, no cpuinfo "model name": the fallbacks apply.

        MachineTopology t = fx.Read();

        Assert.Equal([0, 1, 2, 3], t.Nodes.Select(n => n.Id));
        Assert.Empty(t.Node(2).Cpus);
        Assert.Empty(t.Node(3).Cpus);
        Assert.All(t.Nodes, n => Assert.True(n.HasMemory));   // from MemTotal > 0
        Assert.Equal(16_000_000, t.Node(3).MemTotalKb);
        Assert.Equal([10, 16, 22, 28], t.Node(0).Distances);
        Assert.Equal(28, t.Distance(0, 3));
        Assert.Equal(30, t.Distance(3, 0));
        Assert.Equal(16, t.Distance(3, 2));
        Assert.Equal([1, 1, 4, 1], t.Nodes.Select(n => n.InterleaveWeight));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], t.PossibleNodes);
        Assert.Equal([0, 1, 2, 3], t.OnlineNodes);
        Assert.Equal("", t.CpuModel);
        Assert.Equal(8, t.LogicalCpuCount);
        Assert.Equal([0, 1, 2, 3], t.CpusAllowed);
        Assert.Equal(-1, t.NodeOfCpu(9));
    }

    [Fact]
    public void HasMemoryFileWinsOverMeminfo()
    {
        using var fx = new SysfsFixture()
            .Node(0, "0-1", "10 20", 1000)
            .Node(1, "2-3", "20 10", 1000)
            .Sysfs("devices/system/node/has_memory", "0\n");

        MachineTopology t = fx.Read();

        Assert.True(t.Node(0).HasMemory);
        Assert.False(t.Node(1).HasMemory);
    }

    [Fact]
    public void NoNodeDirectoryYieldsOneNodeHoldingAllCpus()
    {
        using var fx = new SysfsFixture()
            .Sysfs("devices/system/cpu/online", "0-5\n")
            .Procfs("meminfo", "MemTotal:        4024532 kB\nMemFree:         3586676 kB\n")
            .Procfs("cpuinfo", "processor\t: 0\nmodel name\t: Some CPU\n");

        MachineTopology t = fx.Read();

        NumaNode only = Assert.Single(t.Nodes);
        Assert.Equal(0, only.Id);
        Assert.Equal([0, 1, 2, 3, 4, 5], only.Cpus);
        Assert.True(only.HasMemory);
        Assert.Equal(4_024_532, only.MemTotalKb);
        Assert.Equal(10, t.Distance(0, 0));
        Assert.Equal(1, only.InterleaveWeight);
        Assert.Equal([0], t.OnlineNodes);
        Assert.Equal([0], t.PossibleNodes);
        Assert.Equal(6, t.LogicalCpuCount);
        Assert.Equal("Some CPU", t.CpuModel);
        Assert.Equal([0, 1, 2, 3, 4, 5], t.CpusAllowed);   // no /proc/self/status: unrestricted
        Assert.Equal([0], t.MemsAllowed);
    }

    [Fact]
    public void NoCpuOnlineFileCountsCpuinfoProcessors()
    {
        using var fx = new SysfsFixture()
            .Procfs("cpuinfo", "processor\t: 0\nmodel name\t: X\n\nprocessor\t: 1\nmodel name\t: X\n\nprocessor\t: 2\n");

        MachineTopology t = fx.Read();

        Assert.Equal(3, t.LogicalCpuCount);
        Assert.Equal([0, 1, 2], Assert.Single(t.Nodes).Cpus);
    }

    [Fact]
    public void GarbageCpulistThrowsFormatException()
    {
        using var fx = new SysfsFixture().Node(0, "zero", "10", 1);
        Assert.Throws<FormatException>(() => fx.Read());
    }

    [Fact]
    public void LiveMachineHasAtLeastOneNodeAndCpu()
    {
        MachineTopology t = SysfsTopology.Read();

        Assert.NotEmpty(t.Nodes);
        Assert.True(t.LogicalCpuCount >= 1);
        Assert.Contains(t.Nodes, n => n.Cpus.Count > 0);
        Assert.Contains(t.Nodes, n => n.HasMemory);
        Assert.NotEmpty(t.CpusAllowed);
        Assert.NotEmpty(t.MemsAllowed);
        Assert.Equal(10, t.Distance(t.Nodes[0].Id, t.Nodes[0].Id));
    }
}
