namespace PolicyStress.Harness.Topology;

/// <summary>
/// Plans which CPU each task is pinned to. With more tasks than CPUs (the storm workload) the plan wraps and
/// CPUs take several tasks each, in the same order.
/// </summary>
public static class PlacementPlanner
{
    public static int[] Plan(RunTopology topology, int tasks, Placement placement)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        var nodes = SelectNodes(topology, placement);
        var order = placement.Kind == PlacementKind.Compact ? CompactOrder(nodes) : SpreadOrder(nodes);
        if (order.Count == 0)
            throw new TopologyException("no allowed CPU on the selected nodes");
        var plan = new int[tasks];
        for (int i = 0; i < tasks; i++) plan[i] = order[i % order.Count];
        return plan;
    }

    /// <summary>How many CPUs <paramref name="placement"/> may put tasks on: more tasks than this share CPUs.</summary>
    public static int CpuCount(RunTopology topology, Placement placement) => SelectNodes(topology, placement).Sum(n => n.Cpus.Count);

    private static List<RunNode> SelectNodes(RunTopology t, Placement p)
    {
        var withCpus = t.Nodes.Where(n => n.Cpus.Count > 0).ToList();
        if (p.Kind != PlacementKind.Nodes) return withCpus;
        foreach (int id in p.NodeIds)
            if (!withCpus.Any(n => n.Id == id))
                throw new TopologyException($"node {id} has no allowed CPU; nodes with CPUs: {string.Join(",", withCpus.Select(n => n.Id))}");
        return [.. withCpus.Where(n => p.NodeIds.Contains(n.Id))];
    }

    /// <summary>One CPU of each node in turn (node 0's first, node 1's first, …, node 0's second, …).</summary>
    private static List<int> SpreadOrder(List<RunNode> nodes)
    {
        var order = new List<int>();
        int depth = nodes.Count == 0 ? 0 : nodes.Max(n => n.Cpus.Count);
        for (int k = 0; k < depth; k++)
            foreach (var n in nodes)
                if (k < n.Cpus.Count) order.Add(n.Cpus[k]);
        return order;
    }

    private static List<int> CompactOrder(List<RunNode> nodes) => [.. nodes.SelectMany(n => n.Cpus)];

    /// <summary>Task counts a sweep steps through: 1, then powers of two, then every allowed CPU.</summary>
    public static int[] TaskSteps(int allowedCpus)
    {
        var steps = new SortedSet<int> { 1 };
        for (int p = 2; p < allowedCpus; p *= 2) steps.Add(p);
        steps.Add(Math.Max(1, allowedCpus));
        return [.. steps];
    }
}
