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

    /// <param name="topology">The machine, as <see cref="Harness.Topology.RunTopology.ToEngine"/> maps it.</param>
    /// <param name="cpus">The CPUs the real process may run on: the process and the thread are put on the first two.</param>
    /// <param name="reservation">The kernel side's reservation.</param>
    /// <param name="inodes">The inode number of each shmem object as the kernel side numbered it (the kernel side
    /// applies every operation first).</param>
    public EngineSide(NumaTopology topology, IReadOnlyList<int> cpus, ulong reservation, Func<long> inodes)
    {
        // vm.nr_hugepages = 0 on the machines this runs on: SHM_HUGETLB fails with ENOMEM, as there. Whether a
        // read fault maps the zero page depends on the kernel's build and boot options: ask the running one.
        // Inode numbers bias shmem interleave: the kernel's, not the engine's own.
        _kernel = new Kernel(topology, new KernelConfig { HugePages = 0, ZeroPage = KernelProbes.ReadFaultMapsZeroPage(), InodeNumbers = inodes });
        _process = _kernel.CreateProcess(cpus.Count > 0 ? cpus[0] : 0);
        _thread = _kernel.CreateThread(_process, cpus.Count > 1 ? cpus[1] : _process.Cpu);
        _reservation = reservation;
        long got = _kernel.Mmap(_process, reservation, ReservationBytes, Kernel.MapPrivate | Kernel.MapAnonymous | Kernel.MapFixed);
        if (got != (long)reservation) throw new InvalidOperationException($"engine refused the reservation: {got}");
    }

    public ulong Reservation => _reservation;

    public string Apply(ConfOp op, ConformanceState state) => op switch
    {
        CreateSegmentOp c => Create(c, state),
        RemoveSegmentOp r => Remove(r.Slot, state),
        MbindOp m => Observations.Rc(_kernel.Mbind(_process, Address(m.Slot, m.View, m.Offset), m.Len, m.Mode, m.Mask, m.MaxNode, m.Flags)),
        SetMempolicyOp s => Observations.Rc(_kernel.SetMempolicy(_thread, s.Mode, s.Mask, s.MaxNode)),
        GetMempolicyOp g => FactBuilder.Get(this, g),
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

    public long GetMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags) =>
        _kernel.GetMempolicy(_process, out mode, mask, maxnode, addr, flags);

    public long GetThreadMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags) =>
        _kernel.GetMempolicy(_thread, out mode, mask, maxnode, addr, flags);

    public IReadOnlyList<NumaMapsLine> NumaMaps() => NumaMapsParser.Parse(_kernel.NumaMaps(_process, _process));

    public long InodeAt(ulong addr)
    {
        var mm = _process.Mm;
        mm.MmapLock.EnterReadLock();
        try { return mm.FindVma(addr)?.Mapping.Object.Ino ?? -1; }
        finally { mm.MmapLock.ExitReadLock(); }
    }

    public void Dispose()
    {
        _kernel.Exit(_thread);
        _kernel.Exit(_process);
    }
}
