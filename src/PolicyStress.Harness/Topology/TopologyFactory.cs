using PolicyStress.Linux;

namespace PolicyStress.Harness.Topology;

/// <summary>Builds the <see cref="RunTopology"/> of a run from the machine's, real or split into virtual nodes.</summary>
public static class TopologyFactory
{
    /// <summary>The largest virtual split: the engine's node masks hold 64 nodes.</summary>
    public const int MaxVirtualNodes = 64;

    /// <summary>
    /// The machine's nodes limited to the allowed CPUs and memory nodes. With <paramref name="fakeNuma"/> &gt; 1
    /// and fewer real nodes with allowed CPUs than that, the allowed CPUs are split into
    /// <paramref name="fakeNuma"/> virtual nodes of consecutive CPUs instead.
    /// </summary>
    public static RunTopology Create(MachineTopology machine, int fakeNuma = 0)
    {
        var allowed = machine.CpusAllowed.ToHashSet();
        var mems = machine.MemsAllowed.ToHashSet();
        var kept = machine.Nodes
            .Where(n => n.Cpus.Any(allowed.Contains) || (n.HasMemory && mems.Contains(n.Id)))
            .ToList();
        if (kept.Count == 0) kept = [.. machine.Nodes];
        int cpuNodes = kept.Count(n => n.Cpus.Any(allowed.Contains));
        if (fakeNuma > 1 && cpuNodes < fakeNuma)
            return Virtual([.. machine.CpusAllowed.Order()], fakeNuma, machine.LogicalCpuCount, machine.Nodes.Count, machine.CpuModel);

        var nodes = kept.Select(n => new RunNode(
            n.Id,
            [.. n.Cpus.Where(allowed.Contains)],
            n.HasMemory && mems.Contains(n.Id),
            [.. kept.Select(m => SafeDistance(machine, n.Id, m.Id))],
            n.InterleaveWeight)).ToList();
        return new RunTopology(nodes, IsVirtual: false, machine.LogicalCpuCount, machine.Nodes.Count, machine.CpuModel)
        {
            NrNodeIds = machine.Nodes.Max(n => n.Id) + 1,
        };
    }

    /// <summary>
    /// <paramref name="nodes"/> virtual nodes over <paramref name="cpus"/>, consecutive CPUs per node (the first
    /// nodes get one more when the split is uneven), every node with memory, distance 10 locally and
    /// 10 + 10·|i−j| elsewhere (the engine's <c>NumaTopology.Uniform</c> matrix).
    /// </summary>
    public static RunTopology Virtual(IReadOnlyList<int> cpus, int nodes, int logicalCpus, int machineNodes, string cpuModel)
    {
        if (nodes < 1 || nodes > MaxVirtualNodes || nodes > cpus.Count)
            throw new TopologyException($"{nodes} virtual nodes need 1..{Math.Min(MaxVirtualNodes, cpus.Count)} (one allowed CPU each at least)");
        var list = new List<RunNode>();
        int start = 0;
        for (int i = 0; i < nodes; i++)
        {
            int count = cpus.Count / nodes + (i < cpus.Count % nodes ? 1 : 0);
            var distances = Enumerable.Range(0, nodes).Select(j => i == j ? 10 : 10 + 10 * Math.Abs(i - j)).ToArray();
            list.Add(new RunNode(i, [.. cpus.Skip(start).Take(count)], HasMemory: true, distances));
            start += count;
        }
        return new RunTopology(list, IsVirtual: true, logicalCpus, machineNodes, cpuModel);
    }

    private static int SafeDistance(MachineTopology m, int from, int to)
    {
        try { return m.Distance(from, to); }
        catch (ArgumentOutOfRangeException) { return from == to ? 10 : 20; }   // offline node: REMOTE_DISTANCE
    }
}
