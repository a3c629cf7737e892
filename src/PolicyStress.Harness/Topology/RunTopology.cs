using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Harness.Topology;

/// <summary>
/// The NUMA shape a run places tasks on: real nodes read from sysfs and cut down to this process's
/// cpuset, or virtual nodes split out of the allowed CPUs (<c>--fake-numa</c>). Every result records which.
/// </summary>
/// <param name="Nodes">Nodes that have an allowed CPU or memory, in node-id order.</param>
/// <param name="IsVirtual">True when the nodes are a synthetic split, not the machine's.</param>
/// <param name="LogicalCpus">Online CPUs of the machine (not only the allowed ones).</param>
/// <param name="MachineNodes">How many nodes the machine itself has.</param>
/// <param name="CpuModel">The CPU's model name, "" when unknown.</param>
public sealed record RunTopology(IReadOnlyList<RunNode> Nodes, bool IsVirtual, int LogicalCpus, int MachineNodes, string CpuModel)
{
    /// <summary>Every CPU this process may use, sorted.</summary>
    public IReadOnlyList<int> AllowedCpus => [.. Nodes.SelectMany(n => n.Cpus).Order()];

    /// <summary>"real" or "virtual", the spelling of the CSV column.</summary>
    public string Kind => IsVirtual ? "virtual" : "real";

    /// <summary>Index (in <see cref="Nodes"/>) of the node that holds <paramref name="cpu"/>, or -1.</summary>
    public int NodeIndexOfCpu(int cpu)
    {
        for (int i = 0; i < Nodes.Count; i++)
            if (Nodes[i].Cpus.Contains(cpu)) return i;
        return -1;
    }

    /// <summary>
    /// The engine's view: engine node i is <see cref="Nodes"/>[i]; engine CPU ids are the real CPU ids, so a
    /// task's CPU reads the same in both worlds (CPUs outside the cpuset are given node 0 and never used).
    /// </summary>
    public NumaTopology ToEngine()
    {
        int n = Nodes.Count;
        var distance = new int[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                distance[i, j] = Nodes[i].Distances[j];
        int maxCpu = AllowedCpus.Count == 0 ? 0 : AllowedCpus.Max();
        var cpuToNode = new int[maxCpu + 1];
        for (int i = 0; i < n; i++)
            foreach (int c in Nodes[i].Cpus) cpuToNode[c] = i;
        var memory = NodeMask.Empty;
        for (int i = 0; i < n; i++)
            if (Nodes[i].HasMemory) memory = memory.With(i);
        // A cpuset whose nodes all lack memory cannot allocate at all; treat every node as having memory then.
        if (memory.IsEmpty) memory = NodeMask.FirstN(n);
        return new NumaTopology(cpuToNode, distance, memoryNodes: memory);
    }
}
