using System.Globalization;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// After a kernel point: does /proc/&lt;pid&gt;/numa_maps agree with the policy? The closing check pass leaves
/// every page of every slice in place, so each attach's line (fs/proc/task_mmu.c show_numa_map, which counts the
/// pages that process maps) must count exactly the pages its tasks wrote; under interleave
/// (mm/mempolicy.c interleave_nid, by page offset) every node of the run gets pages and no other node does,
/// and the policy at vm_start reads "interleave:…"; with no policy it reads "default". Where sub-range policies
/// of other modes lie over the segment (storm, churn), only the count and the run's nodes are checked.
/// </summary>
public static class NumaPlacementCheck
{
    /// <summary>What one attach's line should show.</summary>
    /// <param name="Pages">Pages its tasks left in place.</param>
    /// <param name="Policy">The whole-segment policy.</param>
    /// <param name="Nodes">The nodes the policy names (the run's nodes with memory).</param>
    /// <param name="SubRanges">Sub-range policies of other modes lie over it: check only count and nodes.</param>
    public sealed record Expectation(long Pages, PolicyKind Policy, IReadOnlyList<int> Nodes, bool SubRanges = false);

    /// <summary>
    /// The lines of the vmas of one attach, [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>),
    /// as one: an mbind of a sub-range splits the attach's vma (mm/mempolicy.c mbind_range), so storm's and churn's
    /// parent view is many lines. Their pages are summed per node; the policy is the first line's. Null when none.
    /// </summary>
    public static NumaMapsLine? Merge(IReadOnlyList<NumaMapsLine> lines, ulong start, ulong length)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var inRange = lines.Where(l => l.Start >= start && l.Start < start + length).OrderBy(l => l.Start).ToList();
        if (inRange.Count == 0 || inRange[0].Start != start) return null;
        if (inRange.Count == 1) return inRange[0];
        var nodes = new SortedDictionary<int, ulong>();
        foreach (var l in inRange)
            foreach (var (node, count) in l.NodePages) nodes[node] = nodes.GetValueOrDefault(node) + count;
        return inRange[0] with { NodePages = nodes };
    }

    /// <summary>Null when <paramref name="line"/> agrees with <paramref name="e"/>, else why not (no commas).</summary>
    public static string? Check(NumaMapsLine? line, Expectation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (line is null) return "no numa_maps line for the attach";
        string at = "0x" + line.Start.ToString("x", CultureInfo.InvariantCulture);
        long sum = (long)line.TotalPages;
        if (sum != e.Pages) return Invariant($"{at} holds {sum} pages where {e.Pages} were faulted");
        foreach (var (node, count) in line.NodePages)
            if (count > 0 && !e.Nodes.Contains(node) && (e.Policy == PolicyKind.Interleave || e.SubRanges))
                return Invariant($"{at} has {count} pages on node {node} outside the run's nodes {CpuList.Format(e.Nodes)}");
        if (e.SubRanges) return null;
        if (e.Policy == PolicyKind.None)
            return line.Policy == "default" ? null : $"{at} reads policy '{line.Policy}' where no mbind was made";
        if (!line.Policy.StartsWith("interleave:", StringComparison.Ordinal))
            return $"{at} reads policy '{line.Policy}' where interleave was set";
        if (e.Pages >= e.Nodes.Count)
            foreach (int node in e.Nodes)
                if (line.NodePages.GetValueOrDefault(node) == 0)
                    return Invariant($"{at} has no page on node {node} of {e.Pages} interleaved over {CpuList.Format(e.Nodes)}");
        return null;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
