using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Topology;

/// <summary>
/// The machine the engine simulates, as data: which node each CPU belongs to, which nodes have memory
/// (N_MEMORY) and how many pages, the SLIT distance matrix, and the weighted-interleave table. The
/// engine never reads the real machine; the harness builds this from sysfs (or a virtual split).
/// </summary>
public sealed class NumaTopology
{
    /// <summary>Capacity meaning "never runs out": the default, so fallback happens only where a test asks.</summary>
    public const long Unlimited = long.MaxValue;

    public int NodeCount { get; }
    public int[] CpuToNode { get; }
    public int[,] Distance { get; }
    public NodeMask MemoryNodes { get; }
    public long[] CapacityPages { get; }
    /// <summary>iw_table: weighted-interleave weight per node; 0 or missing means 1.</summary>
    public byte[] InterleaveWeights { get; }

    /// <summary>node_zonelists[]: for each node, the nodes with memory, nearest first (ties by node id).</summary>
    internal int[][] Zonelists { get; }

    public NumaTopology(int[] cpuToNode, int[,] distance, long[]? capacityPages = null, byte[]? weights = null,
        NodeMask? memoryNodes = null)
    {
        NodeCount = distance.GetLength(0);
        if (NodeCount < 1 || NodeCount > NodeMask.MaxNodes || distance.GetLength(1) != NodeCount)
            throw new ArgumentException($"distance matrix must be square with 1..{NodeMask.MaxNodes} nodes");
        if (cpuToNode.Length == 0 || Array.Exists(cpuToNode, n => (uint)n >= (uint)NodeCount))
            throw new ArgumentException("every CPU must belong to an existing node");
        CpuToNode = cpuToNode;
        Distance = distance;
        CapacityPages = capacityPages ?? Enumerable.Repeat(Unlimited, NodeCount).ToArray();
        InterleaveWeights = weights ?? Enumerable.Repeat((byte)1, NodeCount).ToArray();
        MemoryNodes = memoryNodes ?? NodeMask.FirstN(NodeCount);
        Zonelists = new int[NodeCount][];
        for (int n = 0; n < NodeCount; n++)
        {
            int from = n;
            Zonelists[n] = Enumerable.Range(0, NodeCount)
                .Where(m => MemoryNodes.Contains(m))
                .OrderBy(m => m == from ? 0 : 1).ThenBy(m => distance[from, m]).ThenBy(m => m)
                .ToArray();
        }
    }

    public int CpuCount => CpuToNode.Length;
    public bool HasLimitedCapacity => Array.Exists(CapacityPages, c => c != Unlimited);

    /// <summary>One node holding <paramref name="cpus"/> CPUs, distance 10.</summary>
    public static NumaTopology SingleNode(int cpus = 1) => new(new int[cpus], new[,] { { 10 } });

    /// <summary>
    /// A symmetric machine of <paramref name="nodes"/> nodes with <paramref name="cpusPerNode"/> CPUs each,
    /// distance 10 locally and 10 + 10·|i−j| elsewhere (a line of sockets: 20, 30, 40...), for tests and virtual topologies.
    /// </summary>
    public static NumaTopology Uniform(int nodes, int cpusPerNode)
    {
        var d = new int[nodes, nodes];
        for (int i = 0; i < nodes; i++)
            for (int j = 0; j < nodes; j++)
                d[i, j] = i == j ? 10 : 10 + 10 * Math.Abs(i - j);
        var cpus = new int[nodes * cpusPerNode];
        for (int c = 0; c < cpus.Length; c++) cpus[c] = c / cpusPerNode;
        return new NumaTopology(cpus, d);
    }

    /// <summary>The weight iw_table gives a node (0 and missing entries count as 1).</summary>
    public int WeightOf(int node) => node < InterleaveWeights.Length && InterleaveWeights[node] != 0 ? InterleaveWeights[node] : 1;
}
