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
    /// <summary>
    /// nr_node_ids: one past the highest node id of the machine, which may lie beyond <see cref="Nodes"/>
    /// when the cpuset leaves a node out (0: one past the highest id in <see cref="Nodes"/>).
    /// </summary>
    public int NrNodeIds { get; init; }

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
    /// The engine's view, the one mapping from a machine to the engine (runs and conformance use it): engine
    /// node ids are the node ids (real, or virtual indices) and engine CPU ids the real CPU ids, so masks,
    /// nodes and CPUs read the same in both worlds. Ids without a node of the run are nodes with neither CPUs
    /// nor memory at REMOTE_DISTANCE; CPUs outside the cpuset are given node 0 and never used.
    /// </summary>
    public NumaTopology ToEngine()
    {
        int n = Math.Max(NrNodeIds, Nodes.Count == 0 ? 1 : Nodes.Max(x => x.Id) + 1);
        var distance = new int[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                distance[i, j] = i == j ? LocalDistance : RemoteDistance;
        var weights = new byte[n];
        Array.Fill(weights, (byte)1);
        var memory = NodeMask.Empty;
        for (int i = 0; i < Nodes.Count; i++)
        {
            var node = Nodes[i];
            for (int j = 0; j < Nodes.Count; j++) distance[node.Id, Nodes[j].Id] = node.Distances[j];
            weights[node.Id] = (byte)Math.Clamp(node.InterleaveWeight, 0, 255);
            if (node.HasMemory) memory = memory.With(node.Id);
        }
        int maxCpu = AllowedCpus.Count == 0 ? 0 : AllowedCpus.Max();
        var cpuToNode = new int[maxCpu + 1];
        foreach (var node in Nodes)
            foreach (int c in node.Cpus) cpuToNode[c] = node.Id;
        // A cpuset whose nodes all lack memory cannot allocate at all; treat every node as having memory then.
        if (memory.IsEmpty) foreach (var node in Nodes) memory = memory.With(node.Id);
        return new NumaTopology(cpuToNode, distance, weights: weights, memoryNodes: memory);
    }

    // LOCAL_DISTANCE and REMOTE_DISTANCE (include/linux/topology.h).
    private const int LocalDistance = 10, RemoteDistance = 20;
}
