using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Topology;
using PolicyStress.Linux;
using static PolicyStress.Conformance.ConformanceLayout;

namespace PolicyStress.Conformance;

/// <summary>
/// The engine, shaped like the real process: one mm whose first task owns the views (the process; its
/// numa_maps falls back to this task's policy, as /proc/self does to the thread group leader's) and a
/// second task for set_mempolicy/get_mempolicy (the dedicated thread). The reservation and every attach
/// use the kernel's addresses, so both sides' addresses compare directly.
/// </summary>
internal sealed class EngineSide : IConformanceSide
{
    private readonly Kernel _kernel;
    private readonly TaskStruct _process, _thread;
    private readonly ulong _reservation;

    public EngineSide(NumaTopology topology, ulong reservation)
    {
        // vm.nr_hugepages = 0 on the machines this runs on: SHM_HUGETLB fails with ENOMEM, as there. Whether a
        // read fault maps the zero page depends on the kernel's build and boot options: ask the running one.
        _kernel = new Kernel(topology, new KernelConfig { HugePages = 0, ZeroPage = KernelProbes.ReadFaultMapsZeroPage() });
        _process = _kernel.CreateProcess(0);
        _thread = _kernel.CreateThread(_process, Math.Min(1, topology.CpuCount - 1));
        _reservation = reservation;
        long got = _kernel.Mmap(_process, reservation, ReservationBytes, Kernel.MapPrivate | Kernel.MapAnonymous | Kernel.MapFixed);
        if (got != (long)reservation) throw new InvalidOperationException($"engine refused the reservation: {got}");
    }

    public string Name => "engine";

    public string Apply(ConfOp op, ConformanceState state) => op switch
    {
        CreateSegmentOp c => Create(c, state),
        RemoveSegmentOp r => Remove(r.Slot, state),
        MbindOp m => Observations.Rc(_kernel.Mbind(_process, Address(m.Slot, m.View, m.Offset), m.Len, m.Mode, m.Mask, m.MaxNode, m.Flags)),
        SetMempolicyOp s => Observations.Rc(_kernel.SetMempolicy(_thread, s.Mode, s.Mask, s.MaxNode)),
        GetMempolicyOp g => Get(g),
        TouchOp t => Touch(t),
        MmapOp m => MmapAnon(m),
        MunmapOp u => MunmapAnon(u),
        MadviseOp a => Madvise(a),
        _ => throw new ArgumentException($"unknown op {op}"),
    };

    private ulong Address(int slot, int view, long offset) => unchecked(TargetAddress(_reservation, slot, view) + (ulong)offset);

    private string Create(CreateSegmentOp c, ConformanceState state)
    {
        if (state.Live(c.Slot)) return "busy";
        if (!state.Carved[c.Slot])
            for (int v = 0; v < Views; v++) _kernel.Munmap(_process, RegionStart(_reservation, c.Slot, v), RegionPages * Page);
        int id = _kernel.Shmget(_process, ShmFlags.IpcPrivate, c.Size, ShmFlags.IpcCreat | ShmFlags.Mode0600);
        if (id < 0) return "shmget=" + Observations.Rc(id);
        long a = _kernel.Shmat(_process, id, ViewAddress(_reservation, c.Slot, 0), 0);
        long b = _kernel.Shmat(_process, id, ViewAddress(_reservation, c.Slot, 1), 0);
        _kernel.ShmctlRmid(_process, id);
        if (a < 0 || b < 0)
        {
            if (a > 0) _kernel.Shmdt(_process, (ulong)a);
            if (b > 0) _kernel.Shmdt(_process, (ulong)b);
            return $"shmat={Observations.Rc(Math.Min(a, 0))},{Observations.Rc(Math.Min(b, 0))}";
        }
        return "0";
    }

    private string Remove(int slot, ConformanceState state)
    {
        if (!state.Live(slot)) return "skip";
        int a = _kernel.Shmdt(_process, ViewAddress(_reservation, slot, 0));
        int b = _kernel.Shmdt(_process, ViewAddress(_reservation, slot, 1));
        return $"{Observations.Rc(a)},{Observations.Rc(b)}";
    }

    private string Get(GetMempolicyOp g)
    {
        var mask = Observations.NewMask(g.MaskWords);
        ulong addr = g.Slot < 0 ? (ulong)g.Offset : Address(g.Slot, g.View, g.Offset);
        int rc = _kernel.GetMempolicy(_thread, out int mode, mask, g.MaxNode, addr, g.Flags);
        return Observations.GetResult(rc, mode, mask);
    }

    private string Touch(TouchOp t)
    {
        int rc = _kernel.Fault(_process, TargetAddress(_reservation, t.Slot, t.View) + (ulong)t.Page * Page, t.Write);
        return rc >= 0 ? "ok" : Observations.Rc(rc);
    }

    private string MmapAnon(MmapOp m)
    {
        ulong addr = AnonAddress(_reservation, m.Anon);
        long got = _kernel.Mmap(_process, addr, (ulong)m.Pages * Page,
            (m.Shared ? Kernel.MapShared : Kernel.MapPrivate) | Kernel.MapAnonymous | Kernel.MapFixed);
        return got == (long)addr ? "0" : Observations.Rc(Math.Min(got, 0));
    }

    private string MunmapAnon(MunmapOp u) =>
        Observations.Rc(_kernel.Munmap(_process, unchecked(AnonAddress(_reservation, u.Anon) + (ulong)u.Offset), u.Len));

    private string Madvise(MadviseOp a) =>
        Observations.Rc(_kernel.Madvise(_process, Address(a.Slot, a.View, a.Offset), a.Len, a.Advice));

    public void Observe(ConformanceState state, List<(string Key, string Value)> facts)
    {
        var mask = new ulong[Observations.CheckWords];
        foreach (var (s, v, pages) in state.Observed())
        {
            ulong view = TargetAddress(_reservation, s, v);
            for (int p = 0; p < pages; p++)
            {
                Array.Fill(mask, Observations.Sentinel);
                int rc = _kernel.GetMempolicy(_process, out int mode, mask, Observations.CheckMaxNode, view + (ulong)p * Page, MpolFlags.FAddr);
                facts.Add(($"{ViewName(s, v)}+{p} policy", Observations.GetResult(rc, mode, mask)));
            }
            foreach (int p in state.Touched[s, v])
            {
                int rc = _kernel.GetMempolicy(_process, out int node, null, 0, view + (ulong)p * Page, MpolFlags.FAddr | MpolFlags.FNode);
                facts.Add(($"{ViewName(s, v)}+{p} node", Observations.GetResult(rc, node, null)));
            }
        }
        var m = Observations.NewMask(Observations.CheckWords);
        int trc = _kernel.GetMempolicy(_thread, out int tmode, m, Observations.CheckMaxNode, 0, 0);
        facts.Add(("thread policy", Observations.GetResult(trc, tmode, m)));
        Observations.AddNumaMaps(NumaMapsParser.Parse(_kernel.NumaMaps(_process, _process)), _reservation, facts);
    }

    public void Dispose()
    {
        _kernel.Exit(_thread);
        _kernel.Exit(_process);
    }

    /// <summary>
    /// The engine's picture of this machine: nodes (ids up to the highest present), which CPU sits on
    /// which node, the SLIT distances, the nodes with memory, and the weighted-interleave weights.
    /// </summary>
    public static NumaTopology TopologyOf(MachineTopology m)
    {
        int nodeCount = m.Nodes.Max(n => n.Id) + 1;
        int cpus = Math.Max(m.LogicalCpuCount, m.Nodes.SelectMany(n => n.Cpus).DefaultIfEmpty(0).Max() + 1);
        var cpuToNode = new int[cpus];
        for (int c = 0; c < cpus; c++) cpuToNode[c] = Math.Max(0, m.NodeOfCpu(c));
        var distance = new int[nodeCount, nodeCount];
        var weights = new byte[nodeCount];
        var memory = NodeMask.Empty;
        for (int i = 0; i < nodeCount; i++)
            for (int j = 0; j < nodeCount; j++)
                distance[i, j] = i == j ? 10 : 20;
        foreach (var n in m.Nodes)
        {
            foreach (var o in m.Nodes)
            {
                try { distance[n.Id, o.Id] = m.Distance(n.Id, o.Id); }
                catch (ArgumentOutOfRangeException) { }   // offline node: keep the kernel's REMOTE_DISTANCE
            }
            weights[n.Id] = (byte)Math.Clamp(n.InterleaveWeight, 0, 255);
            if (n.HasMemory) memory = memory.Or(NodeMask.Of(n.Id));
        }
        return new NumaTopology(cpuToNode, distance, weights: weights, memoryNodes: memory);
    }
}
