using PolicyStress.Engine;
using PolicyStress.Engine.Policies;
using static PolicyStress.Conformance.ConformanceLayout;

namespace PolicyStress.Conformance;

/// <summary>
/// Random operation sequences from a seed: segments of random sizes attached twice; mbind through either
/// view with random modes, mode flags, mbind flags and node masks drawn from this machine's allowed
/// nodes; about a fifth of the calls deliberately invalid (unknown modes, bad flag bits, empty or foreign
/// masks, unaligned starts, holes, ranges past the end, zero and wrapping lengths); set_mempolicy and
/// get_mempolicy on the policy thread; touches through both views; anonymous mappings (MAP_PRIVATE and
/// MAP_SHARED, a few pages, MAP_FIXED into their slots of the reservation) with munmap of a head, tail,
/// middle or whole (and invalid calls), madvise MADV_DONTNEED/MADV_REMOVE over them and over the views
/// (holes: ENOMEM; REMOVE on private memory: EINVAL), and mbind, get_mempolicy and touches at them. The generator tracks which slots are
/// live the way <see cref="ConformanceState"/> will, assuming every create succeeds.
/// </summary>
/// <remarks>
/// Exclusions (kept out because the real process, not the model, would be hurt or because the answer
/// depends on state the model has no notion of):
/// <list type="bullet">
/// <item>Non-wrapping huge lengths: an mbind reaching past the reservation would walk (and with MOVE
/// migrate) the runtime's own memory, which the engine does not have. Huge lengths are generated only
/// as lengths that wrap (EINVAL) or that PAGE_ALIGN wraps to 0 (a no-op returning 0).</item>
/// <item>Touches and get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR) only at live views: a fault outside them
/// would kill the process (hole) or hit the PROT_NONE reservation, whose protection the model does not
/// keep (it has no mprotect/PROT_* state).</item>
/// <item>Anonymous mappings are never adjacent to each other (each sits one page into its own region,
/// see <see cref="ConformanceLayout.AnonSlots"/>): the kernel merges adjacent compatible anonymous
/// vmas at mmap time, the engine keeps every mmap its own object.</item>
/// <item>Read faults in anonymous mappings only at pages the mapping maps already (touch reads, and
/// get_mempolicy(MPOL_F_NODE|MPOL_F_ADDR), which faults as a read): a private read fault maps the zero
/// page and a shared one faults around (see <see cref="ConformanceState.MayFaultAt"/>); the engine's
/// fault path models neither. Such calls are generated and skipped on both sides.</item>
/// <item>munmap stays inside its anonymous region and madvise inside the reservation (unless the kernel
/// refuses it up front: unaligned start, zero length); nothing outside belongs to the test.</item>
/// <item>Mask arrays are always at least as long as maxnode says: a shorter array would let the kernel
/// write past a managed array (the wrappers refuse such calls with EFAULT before the kernel sees them).</item>
/// </list>
/// </remarks>
internal sealed class ConformanceGenerator(int seed, IReadOnlyList<int> allowedNodes)
{
    private readonly Random _rng = new(seed);
    private readonly int[] _pages = new int[Slots];
    private readonly int[] _anonPages = new int[AnonSlots];            // the mmap's length; 0 = never mapped
    private readonly bool[][] _anonMapped = Enumerable.Range(0, AnonSlots).Select(_ => new bool[AnonRegionPages]).ToArray();

    private static readonly int[] ForeignNodes = [1, 2, 3, 7, 63, 64, 100, 511, 1023];

    public List<ConfOp> Generate(int count)
    {
        var ops = new List<ConfOp>(count);
        while (ops.Count < count) ops.Add(Next());
        return ops;
    }

    private ConfOp Next()
    {
        var live = Enumerable.Range(0, Slots).Where(s => _pages[s] > 0).ToArray();
        var free = Enumerable.Range(0, Slots).Where(s => _pages[s] == 0).ToArray();
        if (_rng.Next(100) < 35) return NextAnon(live);
        int roll = _rng.Next(100);
        if (live.Length == 0 || (roll < 7 && free.Length > 0)) return Create(free[_rng.Next(free.Length)]);
        if (roll < 10)
        {
            int s = live[_rng.Next(live.Length)];
            _pages[s] = 0;
            return new RemoveSegmentOp(s);
        }
        if (roll < 55) return Mbind(live);
        if (roll < 63) return SetMempolicy();
        if (roll < 72) return GetMempolicy(live);
        int slot = live[_rng.Next(live.Length)];
        return new TouchOp(slot, _rng.Next(Views), _rng.Next(_pages[slot]), _rng.Next(2) == 0);
    }

    private CreateSegmentOp Create(int slot)
    {
        int pages = _rng.Next(10) == 0 ? 1 : _rng.Next(1, MaxSegmentPages + 1);
        _pages[slot] = pages;
        // Sizes that are not page multiples too: the attach covers the size rounded up.
        ulong size = (ulong)pages * Page - (_rng.Next(3) == 0 ? (ulong)_rng.Next(0, (int)Page) : 0);
        return new CreateSegmentOp(slot, size);
    }

    /// <summary>
    /// Anonymous mappings (private and shared) in their slots: mmap into a free slot, munmap (head, tail,
    /// middle, whole, invalid), madvise DONTNEED/REMOVE over them and over SysV views, and mbind,
    /// get_mempolicy and touches at them.
    /// </summary>
    private ConfOp NextAnon(int[] liveSegments)
    {
        var live = Enumerable.Range(0, AnonSlots).Where(a => _anonMapped[a].Any(m => m)).ToArray();
        var free = Enumerable.Range(0, AnonSlots).Where(a => !_anonMapped[a].Any(m => m)).ToArray();
        int roll = _rng.Next(100);
        if (live.Length == 0 || (roll < 12 && free.Length > 0))
        {
            int f = free[_rng.Next(free.Length)];
            int pages = _rng.Next(1, AnonMaxPages + 1);
            _anonPages[f] = pages;
            for (int p = 0; p < pages; p++) _anonMapped[f][p] = true;
            return new MmapOp(f, pages, _rng.Next(2) == 0);
        }
        int anon = live[_rng.Next(live.Length)];
        int slot = Slots + anon, n = _anonPages[anon];
        if (roll < 22) return Munmap(anon, n);
        if (roll < 42)
            return liveSegments.Length > 0 && _rng.Next(5) < 2
                ? Madvise(liveSegments[_rng.Next(liveSegments.Length)], _rng.Next(Views), 0)
                : Madvise(slot, 0, n);
        if (roll < 67) return MbindAt(slot, 0, n);
        if (roll < 75) return GetMempolicyAt(slot, 0, n);
        return new TouchOp(slot, 0, _rng.Next(n), _rng.Next(5) != 0);
    }

    private MunmapOp Munmap(int anon, int n)
    {
        long page = (long)Page;
        int k = n > 1 ? _rng.Next(1, n) : 1;
        (long off, ulong len) = _rng.Next(10) switch
        {
            0 => (_rng.Next(n) * page + _rng.Next(1, (int)Page), Page),                        // unaligned: EINVAL
            1 => (_rng.Next(n) * page, 0UL),                                                     // zero length: EINVAL
            2 => (0L, (ulong)n * Page),                                                          // whole
            3 or 4 => (0L, (ulong)k * Page),                                                     // head
            5 or 6 => (k * page, (ulong)(n - k) * Page),                                         // tail
            7 or 8 when n >= 3 => (_rng.Next(1, n - 1) * page, Page),                            // middle: a split
            9 => (-page, (ulong)(n + 2) * Page),                                                 // with the neighbours
            _ => (k * page, (ulong)_rng.Next(1, (int)Page)),                                     // rounded up
        };
        if (len != 0 && off % page == 0)
            for (long p = Math.Max(off / page, 0); p < (off + (long)len + page - 1) / page && p < (long)AnonRegionPages; p++)
                _anonMapped[anon][p] = false;
        return new MunmapOp(anon, off, len);
    }

    private MadviseOp Madvise(int slot, int view, int n)
    {
        if (n == 0) n = Math.Max(_pages[slot], 1);
        int a = _rng.Next(n);
        long off = (long)a * (long)Page;
        ulong len = (ulong)_rng.Next(1, n - a + 1) * Page;
        switch (_rng.Next(12))
        {
            case 0: off += _rng.Next(1, (int)Page); break;                                      // unaligned start: EINVAL
            case 1: off = -(long)Page; len += Page; break;                                       // from the page before
            case 2: len = (ulong)(n - a + 1) * Page; break;                                      // one page past the end
            case 3: len = 0; break;
            case 4: len -= (ulong)_rng.Next(1, (int)Page); break;                                // rounded up
            case 5 or 6: off = 0; len = (ulong)n * Page; break;                                  // the whole mapping
        }
        return new MadviseOp(slot, view, off, len, _rng.Next(20) < 11 ? 4 : 9);
    }

    private MbindOp Mbind(int[] live)
    {
        int slot = _rng.Next(12) == 0 ? _rng.Next(Slots) : live[_rng.Next(live.Length)];
        return MbindAt(slot, _rng.Next(Views), Math.Max(_pages[slot], 1));
    }

    private MbindOp MbindAt(int slot, int view, int n)
    {
        int a = _rng.Next(n);
        long off = (long)a * (long)Page;
        ulong len = (ulong)_rng.Next(1, n - a + 1) * Page;
        switch (_rng.Next(40))
        {
            case 0: off += _rng.Next(1, (int)Page); break;                                   // unaligned start
            case 1: off = -(long)Page * _rng.Next(1, 3); len += (ulong)_rng.Next(0, 3) * Page; break; // starts in the hole before
            case 2: len = (ulong)(n - a + _rng.Next(1, 4)) * Page; break;                    // runs past the view
            case 3: len = 0; break;
            case 4: len = ulong.MaxValue - (ulong)_rng.Next(0, 100) * Page; break;           // wraps: EINVAL
            case 5: len = ulong.MaxValue - (ulong)_rng.Next(0, 4000); break;                // PAGE_ALIGN wraps to 0
            case 6: len -= (ulong)_rng.Next(1, (int)Page); break;                            // rounded up
            case 7 or 8: off = 0; len = (ulong)n * Page; break;                              // the whole view
            case 9: off = -(long)Page; len = (ulong)(n + 2) * Page; break;                   // view and both holes
        }
        var (mode, mask, maxnode) = PolicyArgs();
        uint flags = _rng.Next(30) switch
        {
            < 20 => 0,
            < 23 => MpolFlags.MfStrict,
            < 25 => MpolFlags.MfMove,
            < 27 => MpolFlags.MfMoveAll,
            27 => MpolFlags.MfMove | MpolFlags.MfStrict,
            28 => 1u << _rng.Next(3, 32),                                                     // unknown flag bit
            _ => MpolFlags.MfMoveAll | MpolFlags.MfStrict,
        };
        return new MbindOp(slot, view, off, len, mode, mask, maxnode, flags);
    }

    private SetMempolicyOp SetMempolicy()
    {
        var (mode, mask, maxnode) = PolicyArgs();
        return new SetMempolicyOp(mode, mask, maxnode);
    }

    /// <summary>A mode argument (mode | mode flags), a node mask and maxnode, mostly valid.</summary>
    private (int Mode, ulong[]? Mask, ulong MaxNode) PolicyArgs()
    {
        int mode = _rng.Next(20) switch
        {
            < 3 => (int)MempolicyMode.Default,
            < 5 => (int)MempolicyMode.Preferred,
            < 9 => (int)MempolicyMode.Bind,
            < 12 => (int)MempolicyMode.Interleave,
            < 14 => (int)MempolicyMode.Local,
            < 16 => (int)MempolicyMode.PreferredMany,
            < 19 => (int)MempolicyMode.WeightedInterleave,
            _ => _rng.Next(4) switch { 0 => 7, 1 => _rng.Next(8, 1 << 13), 2 => -1, _ => 1 << 12 },   // unknown mode
        };
        int f = _rng.Next(20);
        if (f < 4) mode |= MpolFlags.StaticNodes;
        else if (f < 7) mode |= MpolFlags.RelativeNodes;
        else if (f < 9) mode |= MpolFlags.NumaBalancing;
        else if (f == 9) mode |= MpolFlags.StaticNodes | MpolFlags.RelativeNodes;
        else if (f == 10) mode |= MpolFlags.StaticNodes | MpolFlags.NumaBalancing;

        ulong maxnode = _rng.Next(20) switch
        {
            0 => 0,
            1 => 1,
            2 => (ulong)_rng.Next(2, 64),
            3 => UserNodeMask.FullMaxNode + (ulong)_rng.Next(1, 200),   // beyond MAX_NUMNODES
            4 => Kernel.PageSize * 8 + 1 + (ulong)_rng.Next(0, 2),      // at and past a page of bits
            < 12 => UserNodeMask.OneWordMaxNode,
            _ => UserNodeMask.FullMaxNode,
        };
        var nodes = new List<int>();
        bool wantsNodes = (mode & 0xFFF) is not ((int)MempolicyMode.Default or (int)MempolicyMode.Local);
        int m = _rng.Next(20);
        if (wantsNodes ? m < 16 : m == 0)
            foreach (int n in allowedNodes) if (nodes.Count == 0 || _rng.Next(2) == 0) nodes.Add(n);
        if (m is 17 or 18) nodes.Add(ForeignNodes[_rng.Next(ForeignNodes.Length)]);
        if (m == 18 && allowedNodes.Count > 0) nodes.Add(allowedNodes[0]);
        if (m == 19) nodes.Add(1024 + _rng.Next(0, 100));                                    // past MAX_NUMNODES
        if (_rng.Next(10) == 0 && nodes.Count == 0) return (mode, null, maxnode);          // NULL mask
        ulong bits = maxnode == 0 ? 0 : maxnode - 1;
        int words = (int)Math.Min((bits + 63) / 64, 1024);
        var mask = new ulong[Math.Max(words, 1)];
        foreach (int n in nodes)
            if (n / 64 < mask.Length) mask[n / 64] |= 1UL << (n % 64);
        return (mode, mask, maxnode);
    }

    private GetMempolicyOp GetMempolicy(int[] live)
    {
        int slot = live[_rng.Next(live.Length)];
        return GetMempolicyAt(slot, _rng.Next(Views), _pages[slot]);
    }

    private GetMempolicyOp GetMempolicyAt(int slot, int view, int n)
    {
        uint flags = _rng.Next(12) switch
        {
            < 3 => 0,
            < 5 => MpolFlags.FAddr,
            < 7 => MpolFlags.FAddr | MpolFlags.FNode,
            7 => MpolFlags.FNode,
            8 => MpolFlags.FMemsAllowed,
            9 => MpolFlags.FMemsAllowed | (uint)_rng.Next(1, 3),
            10 => 1u << _rng.Next(3, 32),
            _ => MpolFlags.FAddr,
        };
        ulong maxnode = _rng.Next(10) switch
        {
            0 => 0,
            1 => 1,
            2 => (ulong)_rng.Next(2, 66),
            3 => (ulong)_rng.Next(1026, 1300),
            4 => Kernel.PageSize * 8 + (ulong)_rng.Next(0, 200),
            5 => 64 * 70 + 1,
            _ => UserNodeMask.FullMaxNode,
        };
        int needed = maxnode <= 1 ? 0 : (int)((maxnode - 1 + 63) / 64);
        int words = _rng.Next(8) == 0 ? -1 : needed + _rng.Next(0, 3);
        long off = (long)_rng.Next(n) * (long)Page;
        if ((flags & MpolFlags.FAddr) == 0)
            return _rng.Next(8) == 0 ? new GetMempolicyOp(flags, words, maxnode, slot, view, off) : new GetMempolicyOp(flags, words, maxnode, -1, 0, 0);
        if ((flags & MpolFlags.FNode) == 0 && _rng.Next(6) == 0) off = -(long)Page;         // the hole before the view
        else if (_rng.Next(10) == 0) off += _rng.Next(1, (int)Page);                         // unaligned: the page's policy
        return new GetMempolicyOp(flags, words, maxnode, slot, view, off);
    }
}
