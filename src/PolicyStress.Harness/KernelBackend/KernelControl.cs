namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// The control block of a kernel run, in a SysV segment of its own that the parent and every child process
/// attach (will-it-scale's MAP_SHARED counter page, as its <c>_processes</c> binaries use it): the run's
/// settings, a pass barrier, the parent's requests, and one 256-byte slot of counters per task, so no two
/// tasks write one cache line. All fields are 64-bit words read and written with Volatile/Interlocked.
/// </summary>
internal sealed unsafe class KernelControl
{
    public const long Magic = 0x50534B45524E4C31;   // "PSKERNL1"
    public const int MaxTasks = 4096;
    private const int HeaderWords = 64, SlotWords = 32;

    /// <summary>Barrier results: the state the parent asked for when the last task arrived.</summary>
    public const long Warm = 0, Measure = 1, Stop = 2, Aborted = -1;

    /// <summary>Task states in <see cref="Slot.State"/>.</summary>
    public const long Starting = 0, Running = 1, Checked = 2, Failed = 3;

    private readonly long* _p;

    public KernelControl(nint address) => _p = (long*)address;

    public static ulong Bytes(int tasks, ulong page)
    {
        ulong bytes = (ulong)(HeaderWords + tasks * SlotWords) * 8;
        return (bytes + page - 1) / page * page;
    }

    // Header: settings (written once by the parent before any child starts), requests, barrier on lines of their own.
    public ref long MagicWord => ref _p[0];
    public ref long Tasks => ref _p[1];
    public ref long PagesPerTask => ref _p[2];
    public ref long PageSize => ref _p[3];
    public ref long ParentPid => ref _p[4];
    /// <summary>Parent to children: the numa_maps check is done, detach and exit.</summary>
    public ref long MayExit => ref _p[5];
    /// <summary>Anyone to everyone: stop at once (a failure, a signal, a timeout).</summary>
    public ref long Abort => ref _p[6];
    /// <summary>Parent to tasks: <see cref="Warm"/>, <see cref="Measure"/> or <see cref="Stop"/>, taken at the next barrier.</summary>
    public ref long Requested => ref _p[7];
    public ref long BarrierCount => ref _p[16];
    public ref long BarrierGen => ref _p[24];
    public ref long Decision => ref _p[32];

    public Slot this[int task] => new(_p + HeaderWords + task * SlotWords);

    /// <summary>
    /// Arrive at the pass barrier of all <see cref="Tasks"/> tasks (of every process) and wait for the rest. The
    /// last to arrive copies the parent's request into the decision before it opens the barrier, so every task
    /// leaves with the same decision; <see cref="Aborted"/> when the run was aborted while waiting.
    /// Waiters spin, then yield and sleep (SpinWait): storm shares CPUs between tasks.
    /// </summary>
    public long Arrive()
    {
        long gen = Volatile.Read(ref BarrierGen);
        if (Interlocked.Increment(ref BarrierCount) == Volatile.Read(ref Tasks))
        {
            Volatile.Write(ref BarrierCount, 0);
            long d = Volatile.Read(ref Abort) != 0 ? Aborted : Volatile.Read(ref Requested);
            Volatile.Write(ref Decision, d);
            Interlocked.Increment(ref BarrierGen);
            return d;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref BarrierGen) == gen)
        {
            if (Volatile.Read(ref Abort) != 0) return Aborted;
            spin.SpinOnce();
        }
        return Volatile.Read(ref Decision);
    }

    /// <summary>One task's words. Inputs are written by the parent before the task starts; the rest by the task.</summary>
    public readonly struct Slot(long* s)
    {
        // Inputs.
        public ref long Cpu => ref s[0];
        /// <summary>The segment this task faults (pft: the run's one; wis: its own).</summary>
        public ref long Shmid => ref s[1];
        /// <summary>Where its slice starts in that segment, in pages.</summary>
        public ref long SliceStart => ref s[2];
        // Outputs.
        public ref long State => ref s[3];
        public ref long Pid => ref s[4];
        public ref long ObservedCpu => ref s[5];
        /// <summary>The attach address of its segment in its own process.</summary>
        public ref long View => ref s[6];
        /// <summary>Pages written in measured passes (one write fault each).</summary>
        public ref long Faults => ref s[7];
        /// <summary>Wall nanoseconds inside measured fault phases (the timed window).</summary>
        public ref long FaultNs => ref s[8];
        /// <summary>Wall nanoseconds freeing (MADV_REMOVE) after measured passes, outside the window.</summary>
        public ref long FreeNs => ref s[9];
        /// <summary>Thread CPU nanoseconds inside measured fault phases.</summary>
        public ref long CpuNs => ref s[10];
        /// <summary>The kernel's count of this thread's minor faults inside measured fault phases (RUSAGE_THREAD).</summary>
        public ref long KernelFaults => ref s[11];
        public ref long ErrCall => ref s[12];
        public ref long Errno => ref s[13];
        /// <summary>The kernel's count of minor faults in the closing check pass (every page once).</summary>
        public ref long CheckFaults => ref s[14];
        public ref long Passes => ref s[15];
        /// <summary>Wall nanoseconds of measured passes, fault phase, free and barriers together.</summary>
        public ref long WallNs => ref s[16];
        /// <summary>Pages written in every pass, warm-up and check pass included.</summary>
        public ref long AllFaults => ref s[17];

        public void Fail(KernelCall call, long rc)
        {
            Volatile.Write(ref ErrCall, (long)call);
            Volatile.Write(ref Errno, Math.Abs(rc));
            Volatile.Write(ref State, Failed);
        }
    }
}
