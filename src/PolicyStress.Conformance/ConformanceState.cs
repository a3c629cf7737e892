namespace PolicyStress.Conformance;

/// <summary>
/// What the runner knows about a sequence so far, the same for both sides: which slots hold a live
/// segment (and its pages), which view regions were carved out of the reservation, which pages of each
/// anonymous slot a live mapping covers, and which pages each view or anonymous mapping has faulted in (the only pages get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) may ask about without
/// itself faulting them in).
/// </summary>
internal sealed class ConformanceState
{
    public int[] Pages { get; } = new int[ConformanceLayout.Slots];   // 0 = no live segment
    public bool[] Carved { get; } = new bool[ConformanceLayout.Slots];
    public SortedSet<int>[,] Touched { get; } = new SortedSet<int>[AllSlots, ConformanceLayout.Views];

    private const int AllSlots = ConformanceLayout.Slots + ConformanceLayout.AnonSlots;
    /// <summary>Per anonymous slot: which pages (from its address) a live mapping covers.</summary>
    public bool[][] AnonMapped { get; } = Enumerable.Range(0, ConformanceLayout.AnonSlots).Select(_ => new bool[ConformanceLayout.AnonRegionPages]).ToArray();
    /// <summary>Anonymous slots mapped at least once: their pages are observed from then on.</summary>
    public bool[] AnonEver { get; } = new bool[ConformanceLayout.AnonSlots];

    /// <summary>nr_node_ids of the machine: get_mempolicy refuses a mask with maxnode below it up front.</summary>
    public int NrNodeIds { get; }

    public ConformanceState(int nrNodeIds)
    {
        NrNodeIds = nrNodeIds;
        for (int s = 0; s < AllSlots; s++)
            for (int v = 0; v < ConformanceLayout.Views; v++)
                Touched[s, v] = new SortedSet<int>();
    }

    /// <summary>
    /// Whether <paramref name="op"/> is skipped on both sides: a call that could fault or unmap outside the
    /// live mappings (the real process would crash or hit the PROT_NONE reservation), or an mmap over a
    /// live mapping. Decided once by the runner so that the two sides never disagree about it.
    /// </summary>
    public bool Skips(ConfOp op) => op switch
    {
        GetMempolicyOp g => !MayFault(g),
        TouchOp t => !MayFaultAt(t.Slot, t.View, t.Page),
        MmapOp m => !MmapAllowed(m),
        MunmapOp u => !MunmapAllowed(u),
        MadviseOp a => !MadviseAllowed(a),
        _ => false,
    };

    public bool Live(int slot) => (uint)slot < ConformanceLayout.Slots && Pages[slot] > 0;

    public bool AnonLive(int anon) => (uint)anon < ConformanceLayout.AnonSlots && AnonMapped[anon].Any(m => m);

    /// <summary>Whether page <paramref name="page"/> of the target (a live view, or a live page of an anonymous mapping) is mapped.</summary>
    public bool PageLive(int slot, int view, long page)
    {
        if (page < 0 || (uint)view >= ConformanceLayout.Views) return false;
        if (!ConformanceLayout.IsAnon(slot)) return Live(slot) && page < Pages[slot];
        int a = slot - ConformanceLayout.Slots;
        return view == 0 && a < ConformanceLayout.AnonSlots && page < AnonMapped[a].Length && AnonMapped[a][page];
    }

    /// <summary>
    /// Whether a fault at the page may happen: only at mapped pages (elsewhere the real process would
    /// crash or hit the PROT_NONE reservation). Read faults in anonymous mappings are modelled by the engine
    /// (the zero page for private memory, fault-around for MAP_SHARED|MAP_ANONYMOUS).
    /// </summary>
    public bool MayFaultAt(int slot, int view, long page) => PageLive(slot, view, page);

    /// <summary>An mmap into a free anonymous slot (never over a live mapping) of 1..AnonMaxPages pages.</summary>
    public bool MmapAllowed(MmapOp m) =>
        (uint)m.Anon < ConformanceLayout.AnonSlots && m.Pages >= 1 && m.Pages <= ConformanceLayout.AnonMaxPages && !AnonLive(m.Anon);

    /// <summary>A munmap that stays inside the slot's region, or one the kernel refuses before looking (unaligned, zero length).</summary>
    public static bool MunmapAllowed(MunmapOp u) =>
        (uint)u.Anon < ConformanceLayout.AnonSlots
        && (u.Len == 0 || u.Offset % (long)ConformanceLayout.Page != 0
            || (u.Offset >= -(long)ConformanceLayout.Page && u.Len <= ConformanceLayout.AnonRegionPages * ConformanceLayout.Page
                && u.Offset + (long)u.Len <= (long)((ConformanceLayout.AnonRegionPages - 1) * ConformanceLayout.Page)));

    /// <summary>A madvise (DONTNEED or REMOVE) whose range stays inside the reservation, or an unaligned or empty one.</summary>
    public static bool MadviseAllowed(MadviseOp a)
    {
        if ((uint)a.Slot >= AllSlots || (uint)a.View >= ConformanceLayout.Views || a.Advice is not (4 or 9)) return false;
        if (a.Len == 0 || a.Offset % (long)ConformanceLayout.Page != 0) return true;
        long rel = (long)ConformanceLayout.TargetAddress(0, a.Slot, a.View) + a.Offset;
        return rel >= 0 && a.Len <= ConformanceLayout.ReservationBytes && rel + (long)a.Len <= (long)ConformanceLayout.ReservationBytes;
    }

    /// <summary>The ranges both sides observe page by page: (slot, view, pages).</summary>
    public IEnumerable<(int Slot, int View, int Pages)> Observed()
    {
        for (int s = 0; s < ConformanceLayout.Slots; s++)
            if (Live(s))
                for (int v = 0; v < ConformanceLayout.Views; v++) yield return (s, v, Pages[s]);
        for (int a = 0; a < ConformanceLayout.AnonSlots; a++)
            if (AnonEver[a]) yield return (ConformanceLayout.Slots + a, 0, ConformanceLayout.AnonMaxPages + 1);
    }

    /// <summary>The pages [first, end) of a page-granular range from an offset and length, clipped to the target's observed pages.</summary>
    private static (long First, long End) PageRange(long offset, ulong len)
    {
        long first = offset >= 0 ? offset / (long)ConformanceLayout.Page : -1;
        ulong l = Math.Min(len, ConformanceLayout.ReservationBytes);
        long end = (offset + (long)l + (long)ConformanceLayout.Page - 1) / (long)ConformanceLayout.Page;
        return (Math.Max(first, 0), end);
    }

    private void Forget(int slot, int view, long offset, ulong len)
    {
        var (first, end) = PageRange(offset, len);
        if ((uint)slot >= AllSlots || (uint)view >= ConformanceLayout.Views) return;
        Touched[slot, view].RemoveWhere(p => p >= first && p < end);
    }

    /// <summary>
    /// get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) faults the page in (lookup_node → get_user_pages): only
    /// inside a live view, for the reasons touches are (see <see cref="ConformanceGenerator"/>). A
    /// shrunk script can break the generator's guarantee; such a call is skipped on both sides.
    /// </summary>
    public bool MayFault(GetMempolicyOp g) =>
        g.Flags != 3 || g.Slot < 0 || (g.Offset >= 0 && MayFaultAt(g.Slot, g.View, g.Offset / (long)ConformanceLayout.Page));

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
            case MmapOp m when result == "0":
                AnonEver[m.Anon] = true;
                for (int p = 0; p < m.Pages; p++) AnonMapped[m.Anon][p] = true;
                Touched[ConformanceLayout.Slots + m.Anon, 0].Clear();
                break;
            case MunmapOp u when result == "0":
            {
                var (first, end) = PageRange(u.Offset, u.Len);
                for (long p = first; p < end && p < (long)ConformanceLayout.AnonRegionPages; p++) AnonMapped[u.Anon][p] = false;
                Forget(ConformanceLayout.Slots + u.Anon, 0, u.Offset, u.Len);
                break;
            }
            case MadviseOp a when result != "skip":
                // Whatever was zapped or punched is no longer present: stop asking for its node (a
                // query would fault it back in). REMOVE frees the segment's pages under both views.
                Forget(a.Slot, a.View, a.Offset, a.Len);
                if (!ConformanceLayout.IsAnon(a.Slot) && a.Advice == 9) Forget(a.Slot, 1 - a.View, a.Offset, a.Len);
                break;
            case GetMempolicyOp g when g.Flags == 3 && g.Slot >= 0 && g.Offset >= 0 && MayFaultAt(g.Slot, g.View, g.Offset / (long)ConformanceLayout.Page)
                                        && (result.StartsWith("rc=0", StringComparison.Ordinal) || FaultedBeforeCopyFailed(g, result)):
                Touched[g.Slot, g.View].Add((int)(g.Offset / (long)ConformanceLayout.Page));   // lookup_node() faulted the page in
                break;
        }
    }
}
