using System.Runtime.InteropServices;
using PolicyStress.Engine;
using PolicyStress.Linux;
using static PolicyStress.Conformance.ConformanceLayout;

namespace PolicyStress.Conformance;

/// <summary>
/// The running kernel: a PROT_NONE reservation at a low fixed address, SysV segments attached twice into
/// it, the NUMA calls through <see cref="LinuxSyscalls"/>, touches as real loads and stores, and
/// /proc/self/numa_maps. Dispose detaches every view and unmaps the reservation, whatever happened.
/// </summary>
internal sealed class LinuxSide : IConformanceSide
{
    private const int MapFixedNoreplace = 0x100000;
    private readonly PolicyThread _policyThread = new();
    private readonly int[] _shmids = Enumerable.Repeat(-1, Slots).ToArray();
    private bool _disposed;

    public LinuxSide()
    {
        for (int attempt = 0; attempt < 64 && Reservation == 0; attempt++)
        {
            ulong want = PreferredBase + (ulong)attempt * (1UL << 30);
            long got = LinuxSyscalls.Mmap((nint)want, ReservationBytes, LinuxConstants.PROT_NONE,
                LinuxConstants.MAP_PRIVATE | LinuxConstants.MAP_ANONYMOUS | LinuxConstants.MAP_NORESERVE | MapFixedNoreplace, -1, 0);
            if (got == (long)want) Reservation = want;
            else if (got > 0) LinuxSyscalls.Munmap((nint)got, ReservationBytes);   // a kernel that took it as a hint
        }
        if (Reservation == 0)
        {
            _policyThread.Dispose();
            throw new InvalidOperationException("could not reserve an address range for the conformance segments");
        }
    }

    public ulong Reservation { get; }

    /// <summary>
    /// Null when this kernel runs the NUMA calls with the engine's page size; else why not (ENOSYS: no
    /// CONFIG_NUMA, EPERM: a sandbox, or 16K/64K pages, which the engine does not model).
    /// </summary>
    public static string? Unavailable()
    {
        if ((ulong)Environment.SystemPageSize != Kernel.PageSize)
            return $"this kernel's pages are {Environment.SystemPageSize} bytes; the engine models {Kernel.PageSize}";
        long rc = LinuxSyscalls.GetMempolicy(out _, null, 0, 0, 0);
        if (rc == -LinuxConstants.ENOSYS) return "get_mempolicy returned ENOSYS (kernel without CONFIG_NUMA)";
        if (rc == -LinuxConstants.EPERM) return "get_mempolicy returned EPERM (not permitted here)";
        rc = LinuxSyscalls.Mbind(0, 0, LinuxConstants.MPOL_DEFAULT, null, 0, 0);
        if (rc == -LinuxConstants.ENOSYS) return "mbind returned ENOSYS";
        if (rc == -LinuxConstants.EPERM) return "mbind returned EPERM (not permitted here)";
        return null;
    }

    public string Apply(ConfOp op, ConformanceState state) => op switch
    {
        CreateSegmentOp c => Create(c, state),
        RemoveSegmentOp r => Remove(r.Slot, state),
        MbindOp m => Observations.Rc(LinuxSyscalls.Mbind((nint)Address(m.Slot, m.View, m.Offset), m.Len, m.Mode, m.Mask, m.MaxNode, m.Flags)),
        SetMempolicyOp s => Observations.Rc(_policyThread.Invoke(() => LinuxSyscalls.SetMempolicy(s.Mode, s.Mask, s.MaxNode))),
        GetMempolicyOp g => FactBuilder.Get(this, g),
        TouchOp t => Touch(t),
        MmapOp m => MmapAnon(m),
        MunmapOp u => MunmapAnon(u),
        MadviseOp a => Madvise(a),
        _ => throw new ArgumentException($"unknown op {op}"),
    };

    private ulong Address(int slot, int view, long offset) => unchecked(TargetAddress(Reservation, slot, view) + (ulong)offset);

    private string Create(CreateSegmentOp c, ConformanceState state)
    {
        if (state.Live(c.Slot)) return "busy";
        if (!state.Carved[c.Slot])
            for (int v = 0; v < Views; v++) LinuxSyscalls.Munmap((nint)RegionStart(Reservation, c.Slot, v), RegionPages * Page);
        int id = LinuxSyscalls.Shmget(LinuxConstants.IPC_PRIVATE, c.Size, LinuxConstants.IPC_CREAT | LinuxConstants.S_IRUSR | LinuxConstants.S_IWUSR);
        if (id < 0) return "shmget=" + Observations.Rc(id);
        long a = LinuxSyscalls.Shmat(id, (nint)ViewAddress(Reservation, c.Slot, 0), 0);
        long b = LinuxSyscalls.Shmat(id, (nint)ViewAddress(Reservation, c.Slot, 1), 0);
        LinuxSyscalls.ShmctlRmid(id);
        if (a < 0 || b < 0)
        {
            if (a > 0) LinuxSyscalls.Shmdt((nint)a);
            if (b > 0) LinuxSyscalls.Shmdt((nint)b);
            return $"shmat={Observations.Rc(Math.Min(a, 0))},{Observations.Rc(Math.Min(b, 0))}";
        }
        _shmids[c.Slot] = id;
        LastInode = ProcMaps.InodeAt((ulong)a);   // newseg(): the shmid
        return "0";
    }

    private string Remove(int slot, ConformanceState state)
    {
        if (!state.Live(slot)) return "skip";
        int a = LinuxSyscalls.Shmdt((nint)ViewAddress(Reservation, slot, 0));
        int b = LinuxSyscalls.Shmdt((nint)ViewAddress(Reservation, slot, 1));
        _shmids[slot] = -1;
        return $"{Observations.Rc(a)},{Observations.Rc(b)}";
    }

    private string Touch(TouchOp t)
    {
        nint p = (nint)(TargetAddress(Reservation, t.Slot, t.View) + (ulong)t.Page * Page);
        if (t.Write) Marshal.WriteByte(p, 1);
        else _ = Marshal.ReadByte(p);
        return "ok";
    }

    private string MmapAnon(MmapOp m)
    {
        ulong addr = AnonAddress(Reservation, m.Anon);
        long got = LinuxSyscalls.Mmap((nint)addr, (ulong)m.Pages * Page, LinuxConstants.PROT_READ | LinuxConstants.PROT_WRITE,
            (m.Shared ? LinuxConstants.MAP_SHARED : LinuxConstants.MAP_PRIVATE) | LinuxConstants.MAP_ANONYMOUS | LinuxConstants.MAP_FIXED, -1, 0);
        if (got != (long)addr) return Observations.Rc(Math.Min(got, 0));
        if (m.Shared) LastInode = ProcMaps.InodeAt(addr);   // shmem_zero_setup()'s inode, numbered machine-wide
        return "0";
    }

    private string MunmapAnon(MunmapOp u) =>
        Observations.Rc(LinuxSyscalls.Munmap((nint)unchecked(AnonAddress(Reservation, u.Anon) + (ulong)u.Offset), u.Len));

    private string Madvise(MadviseOp a) =>
        Observations.Rc(LinuxSyscalls.Madvise((nint)Address(a.Slot, a.View, a.Offset), a.Len, a.Advice));

    public long GetMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags) =>
        LinuxSyscalls.GetMempolicy(out mode, mask, maxnode, (nint)addr, flags);

    public long GetThreadMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags)
    {
        (long rc, mode) = _policyThread.Invoke(() => (LinuxSyscalls.GetMempolicy(out int m, mask, maxnode, (nint)addr, flags), m));
        return rc;
    }

    public IReadOnlyList<NumaMapsLine> NumaMaps() => NumaMapsParser.ReadSelf();

    public long InodeAt(ulong addr) => ProcMaps.InodeAt(addr);

    /// <summary>
    /// The inode number of the shmem object the last create or shared mmap made: what the engine side is told
    /// to give its own (<see cref="Engine.KernelConfig.InodeNumbers"/>), since the kernel numbers them for the
    /// whole machine.
    /// </summary>
    public long LastInode { get; private set; }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int s = 0; s < Slots; s++)
        {
            if (_shmids[s] < 0) continue;
            for (int v = 0; v < Views; v++) LinuxSyscalls.Shmdt((nint)ViewAddress(Reservation, s, v));
        }
        // Whatever is left of the reservation (PROT_NONE pieces; holes are fine for munmap).
        LinuxSyscalls.Munmap((nint)Reservation, ReservationBytes);
        _policyThread.Dispose();
    }
}
