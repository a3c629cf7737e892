namespace PolicyStress.Linux;

/// <summary>
/// The NUMA shape of the real machine and of this process's cpuset, as read from sysfs and procfs
/// by <see cref="SysfsTopology.Read"/>. Immutable (the reader fills the lists with immutable
/// collections): read once per run, shared by every thread.
/// </summary>
/// <param name="Nodes">Nodes with a nodeN directory, sorted by id.</param>
/// <param name="PossibleNodes">node/possible (node ids the kernel could ever bring online).</param>
/// <param name="OnlineNodes">node/online.</param>
/// <param name="CpuModel">First "model name" of /proc/cpuinfo, "" when absent (e.g. aarch64).</param>
/// <param name="LogicalCpuCount">Number of online CPUs (cpu/online, else /proc/cpuinfo processors).</param>
/// <param name="CpusAllowed">Cpus_allowed_list of /proc/self/status (all online CPUs when absent).</param>
/// <param name="MemsAllowed">Mems_allowed_list of /proc/self/status (all online nodes when absent).</param>
public sealed record MachineTopology(
    IReadOnlyList<NumaNode> Nodes,
    IReadOnlyList<int> PossibleNodes,
    IReadOnlyList<int> OnlineNodes,
    string CpuModel,
    int LogicalCpuCount,
    IReadOnlyList<int> CpusAllowed,
    IReadOnlyList<int> MemsAllowed)
{
    /// <summary>The node with id <paramref name="id"/>; throws if there is none.</summary>
    public NumaNode Node(int id)
    {
        foreach (NumaNode node in Nodes)
            if (node.Id == id) return node;
        throw new ArgumentOutOfRangeException(nameof(id), id, $"no NUMA node {id} on this machine");
    }

    /// <summary>
    /// SLIT distance from node <paramref name="from"/> to node <paramref name="to"/>. nodeN/distance
    /// lists one value per online node in id order, so the column is the rank of <paramref name="to"/>.
    /// </summary>
    public int Distance(int from, int to)
    {
        int column = -1;
        for (int i = 0; i < OnlineNodes.Count; i++)
            if (OnlineNodes[i] == to) column = i;
        IReadOnlyList<int> row = Node(from).Distances;
        if (column < 0 || column >= row.Count)
            throw new ArgumentOutOfRangeException(nameof(to), to, $"node {from} has no distance to node {to}");
        return row[column];
    }

    /// <summary>The node whose cpulist holds <paramref name="cpu"/>, or -1.</summary>
    public int NodeOfCpu(int cpu)
    {
        foreach (NumaNode node in Nodes)
            if (node.Cpus.Contains(cpu)) return node.Id;
        return -1;
    }
}
