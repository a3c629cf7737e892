namespace PolicyStress.Cli.Conformance;

/// <summary>
/// What the runner knows about a sequence so far, the same for both sides: which slots hold a live
/// segment (and its pages), which view regions were carved out of the reservation, and which pages each
/// view has faulted in (the only pages get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) may ask about without
/// itself faulting them in).
/// </summary>
internal sealed class ConformanceState
{
    public int[] Pages { get; } = new int[ConformanceLayout.Slots];   // 0 = no live segment
    public bool[] Carved { get; } = new bool[ConformanceLayout.Slots];
    public SortedSet<int>[,] Touched { get; } = new SortedSet<int>[ConformanceLayout.Slots, ConformanceLayout.Views];

    /// <summary>nr_node_ids of the machine: get_mempolicy refuses a mask with maxnode below it up front.</summary>
    public int NrNodeIds { get; }

    public ConformanceState(int nrNodeIds)
    {
        NrNodeIds = nrNodeIds;
        for (int s = 0; s < ConformanceLayout.Slots; s++)
            for (int v = 0; v < ConformanceLayout.Views; v++)
                Touched[s, v] = new SortedSet<int>();
    }

    public bool Live(int slot) => (uint)slot < ConformanceLayout.Slots && Pages[slot] > 0;

    /// <summary>
    /// get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) faults the page in (lookup_node → get_user_pages): only
    /// inside a live view, for the reasons touches are (see <see cref="ConformanceGenerator"/>). A
    /// shrunk script can break the generator's guarantee; such a call is skipped on both sides.
    /// </summary>
    public bool MayFault(GetMempolicyOp g) =>
        g.Flags != 3 || g.Slot < 0 || (Live(g.Slot) && g.Offset >= 0 && g.Offset / (long)ConformanceLayout.Page < Pages[g.Slot]);

    /// <summary>
    /// do_get_mempolicy() runs lookup_node() (and so faults the page in) before copy_nodes_to_user()
    /// can still fail with EINVAL for a mask longer than a page; only maxnode &lt; nr_node_ids with a mask
    /// fails before it.
    /// </summary>
    private bool FaultedBeforeCopyFailed(GetMempolicyOp g, string result) =>
        result == "rc=EINVAL" && (g.MaskWords < 0 || g.MaxNode >= (ulong)NrNodeIds);

    /// <summary>Records the effect of <paramref name="op"/> once both sides returned <paramref name="result"/>.</summary>
    public void Update(ConfOp op, string result)
    {
        switch (op)
        {
            case CreateSegmentOp c when result == "0":
                Carved[c.Slot] = true;
                Pages[c.Slot] = (int)((c.Size + ConformanceLayout.Page - 1) / ConformanceLayout.Page);
                break;
            case CreateSegmentOp c when result != "busy":
                Carved[c.Slot] = true;
                break;
            case RemoveSegmentOp r when Live(r.Slot):
                Pages[r.Slot] = 0;
                for (int v = 0; v < ConformanceLayout.Views; v++) Touched[r.Slot, v].Clear();
                break;
            case TouchOp t when result == "ok":
                Touched[t.Slot, t.View].Add(t.Page);
                break;
            case GetMempolicyOp g when g.Flags == 3 && g.Slot >= 0 && Live(g.Slot) && g.Offset >= 0 && g.Offset / 4096 < Pages[g.Slot]
                                        && (result.StartsWith("rc=0", StringComparison.Ordinal) || FaultedBeforeCopyFailed(g, result)):
                Touched[g.Slot, g.View].Add((int)(g.Offset / 4096));   // lookup_node() faulted the page in
                break;
        }
    }
}
