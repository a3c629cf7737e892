using System.Diagnostics;
using System.Runtime.CompilerServices;
using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// One faulting task of a kernel run, on a thread of the parent (thread model) or of a child process (process
/// model): pinned with sched_setaffinity and checked with sched_getcpu, it writes one byte to every page of its
/// slice — each write a real shmem write fault (mm/memory.c do_shared_fault, mm/shmem.c shmem_fault) — then,
/// behind a barrier and outside the timed window, frees the slice with MADV_REMOVE (shmem_fallocate's hole
/// punch), as pft does between passes. The parent's request, taken at the barrier, says whether the next pass
/// is warm-up, measured, or the end; after the last one a check pass faults every page once more, for the
/// numa_maps placement check, and the kernel's own count of those faults.
/// </summary>
internal static unsafe class KernelTask
{
    /// <summary>Runs task <paramref name="index"/> whose segment is attached at <paramref name="view"/> in this process.</summary>
    /// <remarks>
    /// Fully optimised from the first call: tiered compilation would otherwise compile an OSR body of the pass
    /// loop on this thread mid-run, and the JIT's own minor faults would land in the window's count.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(KernelControl ctl, int index, nint view)
    {
        var slot = ctl[index];
        Volatile.Write(ref slot.Pid, LinuxSyscalls.Getpid());
        Volatile.Write(ref slot.View, view);
        int rc = CpuAffinity.PinCurrentThread((int)slot.Cpu);
        if (rc < 0) { Fail(ctl, slot, KernelCall.SchedSetaffinity, rc); return; }
        int cpu = CpuAffinity.CurrentCpu();
        if (cpu < 0) { Fail(ctl, slot, KernelCall.SchedGetcpu, cpu); return; }
        Volatile.Write(ref slot.ObservedCpu, cpu);
        if (LinuxSyscalls.ThreadMinorFaults() is var probe && probe < 0) { Fail(ctl, slot, KernelCall.Getrusage, probe); return; }

        long page = ctl.PageSize, pages = ctl.PagesPerTask;
        byte* slice = (byte*)view + slot.SliceStart * page;
        ulong bytes = (ulong)(pages * page);
        Volatile.Write(ref slot.State, KernelControl.Running);
        double nsPerTick = 1e9 / Stopwatch.Frequency;

        long d = ctl.Arrive();   // everyone attached and pinned
        long faults = 0, faultTicks = 0, freeTicks = 0, cpuNs = 0, minflt = 0, passes = 0, wallTicks = 0, all = 0;
        while (d is KernelControl.Warm or KernelControl.Measure)
        {
            bool measured = d == KernelControl.Measure;
            long m0 = LinuxSyscalls.ThreadMinorFaults(), c0 = ThreadCpuClock.NowNs(), t0 = Stopwatch.GetTimestamp();
            Touch(slice, pages, page);
            long t1 = Stopwatch.GetTimestamp(), c1 = ThreadCpuClock.NowNs(), m1 = LinuxSyscalls.ThreadMinorFaults();
            all += pages;
            if (ctl.Arrive() == KernelControl.Aborted) break;
            long f0 = Stopwatch.GetTimestamp();
            rc = LinuxSyscalls.Madvise((nint)slice, bytes, LinuxConstants.MADV_REMOVE);
            long f1 = Stopwatch.GetTimestamp();
            if (rc < 0) { Fail(ctl, slot, KernelCall.MadviseRemove, rc); return; }
            d = ctl.Arrive();
            if (measured)
            {
                faults += pages; faultTicks += t1 - t0; freeTicks += f1 - f0; cpuNs += c1 - c0; minflt += m1 - m0; passes++;
                wallTicks += Stopwatch.GetTimestamp() - t0;
                // Once a pass, so the parent's interval samples see whole passes.
                Volatile.Write(ref slot.Faults, faults);
                Volatile.Write(ref slot.FaultNs, (long)(faultTicks * nsPerTick));
            }
        }
        Volatile.Write(ref slot.FreeNs, (long)(freeTicks * nsPerTick));
        Volatile.Write(ref slot.CpuNs, cpuNs);
        Volatile.Write(ref slot.KernelFaults, minflt);
        Volatile.Write(ref slot.Passes, passes);
        Volatile.Write(ref slot.WallNs, (long)(wallTicks * nsPerTick));
        if (d != KernelControl.Stop) { Volatile.Write(ref slot.AllFaults, all); return; }   // aborted

        // The check pass: every page of the slice once more, left in place for /proc/<pid>/numa_maps.
        long k0 = LinuxSyscalls.ThreadMinorFaults();
        Touch(slice, pages, page);
        Volatile.Write(ref slot.CheckFaults, LinuxSyscalls.ThreadMinorFaults() - k0);
        Volatile.Write(ref slot.AllFaults, all + pages);
        Volatile.Write(ref slot.State, KernelControl.Checked);
    }

    /// <summary>One byte written to each page: a write fault per page not present (do_shared_fault).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void Touch(byte* slice, long pages, long page)
    {
        for (long p = 0; p < pages; p++) slice[p * page] = 1;
    }

    private static void Fail(KernelControl ctl, KernelControl.Slot slot, KernelCall call, long rc)
    {
        slot.Fail(call, rc);
        Volatile.Write(ref ctl.Abort, 1);
    }
}
