namespace PolicyStress.Linux;

/// <summary>
/// One NUMA node as sysfs shows it (/sys/devices/system/node/nodeN: cpulist, meminfo, distance,
/// plus /sys/kernel/mm/mempolicy/weighted_interleave/nodeN).
/// </summary>
/// <param name="Id">The node id N of nodeN.</param>
/// <param name="Cpus">Sorted CPU ids from nodeN/cpulist (empty for a memory-only node).</param>
/// <param name="HasMemory">In node/has_memory, or MemTotal &gt; 0 when that file is missing.</param>
/// <param name="MemTotalKb">"Node N MemTotal" from nodeN/meminfo, 0 when unknown.</param>
/// <param name="Distances">nodeN/distance: one entry per online node, in node-id order.</param>
/// <param name="InterleaveWeight">Weighted-interleave weight (1 when the kernel has no such file).</param>
public sealed record NumaNode(
    int Id,
    IReadOnlyList<int> Cpus,
    bool HasMemory,
    long MemTotalKb,
    IReadOnlyList<int> Distances,
    int InterleaveWeight);
