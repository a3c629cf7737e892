using System.Globalization;
using System.Text;
using PolicyStress.Engine.Policies;
using PolicyStress.Linux;
using static PolicyStress.Conformance.ConformanceLayout;

namespace PolicyStress.Conformance;

/// <summary>
/// The facts compared after every operation, asked of either side through the same calls in the same
/// order: the inode number of every observed view's object (so that shmem interleave, which it biases,
/// is compared between equals), the policy at every page of every observed view (MPOL_F_ADDR), the node of every touched page
/// (MPOL_F_ADDR|MPOL_F_NODE, never faulting), the policy thread's policy, and the numa_maps lines of the
/// reservation.
/// </summary>
internal static class FactBuilder
{
    public static void Observe(IConformanceSide side, ConformanceState state, List<(string Key, string Value)> facts)
    {
        var mask = new ulong[Observations.CheckWords];
        foreach (var (s, v, pages) in state.Observed())
        {
            ulong view = TargetAddress(side.Reservation, s, v);
            facts.Add(($"{ViewName(s, v)} inode", side.InodeAt(view).ToString(CultureInfo.InvariantCulture)));
            for (int p = 0; p < pages; p++)
            {
                Array.Fill(mask, Observations.Sentinel);
                long rc = side.GetMempolicy(out int mode, mask, Observations.CheckMaxNode, view + (ulong)p * Page, MpolFlags.FAddr);
                facts.Add(($"{ViewName(s, v)}+{p} policy", Observations.GetResult(rc, mode, mask)));
            }
            foreach (int p in state.Touched[s, v])
            {
                long rc = side.GetMempolicy(out int node, null, 0, view + (ulong)p * Page, MpolFlags.FAddr | MpolFlags.FNode);
                facts.Add(($"{ViewName(s, v)}+{p} node", Observations.GetResult(rc, node, null)));
            }
        }
        var m = Observations.NewMask(Observations.CheckWords);
        long trc = side.GetThreadMempolicy(out int tmode, m, Observations.CheckMaxNode, 0, 0);
        facts.Add(("thread policy", Observations.GetResult(trc, tmode, m)));
        AddNumaMaps(side.NumaMaps(), side.Reservation, facts);
    }

    /// <summary>get_mempolicy as the policy thread, with the mask size and address the operation names.</summary>
    public static string Get(IConformanceSide side, GetMempolicyOp g)
    {
        var mask = Observations.NewMask(g.MaskWords);
        ulong addr = g.Slot < 0 ? (ulong)g.Offset : unchecked(TargetAddress(side.Reservation, g.Slot, g.View) + (ulong)g.Offset);
        long rc = side.GetThreadMempolicy(out int mode, mask, g.MaxNode, addr, g.Flags);
        return Observations.GetResult(rc, mode, mask);
    }

    /// <summary>
    /// The numa_maps lines of vmas inside the reservation, keyed by their offset from it. Compared: the
    /// start (vma split/merge structure), the policy string, the file, the page counts. Stripped: active=
    /// (exclusion: LRU state the model does not track — whether a page sits on the active list depends on
    /// reclaim and lru_add batching, not on policy).
    /// </summary>
    private static void AddNumaMaps(IReadOnlyList<NumaMapsLine> lines, ulong reservation, List<(string, string)> facts)
    {
        var starts = new StringBuilder();
        foreach (var l in lines)
        {
            if (l.Start < reservation || l.Start >= reservation + ReservationBytes) continue;
            string at = "R+" + (l.Start - reservation).ToString("x", CultureInfo.InvariantCulture);
            starts.Append(at).Append(' ');
            var sb = new StringBuilder(l.Policy);
            if (l.File is not null) sb.Append(" file=").Append(l.File);
            foreach (var f in l.Flags) sb.Append(' ').Append(f);
            foreach (var (k, v) in l.Counters.Where(c => c.Key != "active").OrderBy(c => c.Key, StringComparer.Ordinal))
                sb.Append(' ').Append(k).Append('=').Append(v);
            foreach (var (n, p) in l.NodePages) sb.Append(" N").Append(n).Append('=').Append(p);
            facts.Add(("numa_maps " + at, sb.ToString()));
        }
        facts.Add(("numa_maps vmas", starts.ToString().TrimEnd()));
    }
}
