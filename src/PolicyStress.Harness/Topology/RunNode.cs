namespace PolicyStress.Harness.Topology;

/// <summary>
/// One node of the topology a run uses: the CPUs of it this process may run on, whether it has memory,
/// and its distances to every node of the run (by index in <see cref="RunTopology.Nodes"/>).
/// </summary>
/// <param name="Id">The real node id (sysfs nodeN), or the virtual node's index.</param>
/// <param name="Cpus">Allowed CPUs of the node, sorted; empty for a memory-only node.</param>
/// <param name="HasMemory">Whether pages can be allocated on it (N_MEMORY).</param>
/// <param name="Distances">SLIT distances to each node of the run, in the run's node order.</param>
/// <param name="InterleaveWeight">Its weighted-interleave weight (1 where the kernel has no such setting).</param>
public sealed record RunNode(int Id, IReadOnlyList<int> Cpus, bool HasMemory, IReadOnlyList<int> Distances, int InterleaveWeight = 1);
