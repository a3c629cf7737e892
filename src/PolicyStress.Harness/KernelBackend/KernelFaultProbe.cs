using System.Diagnostics;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Workloads;
using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// The cost of one real page fault on this machine, for the engine's kernel-shaped fault cost to calibrate
/// against: one thread, pinned to a CPU this process may use, faults a SysV segment page by page (a write per
/// page: do_shared_fault → shmem_fault, page allocation, clear, page-cache insert, page tables) and frees it
/// with MADV_REMOVE between passes, untimed, as the kernel backend's pft does at one task. The result is the
/// median over passes of the fault phase's wall nanoseconds per page.
/// </summary>
public static unsafe class KernelFaultProbe
{
    /// <summary>Pages per pass: 4 MiB of 4 KiB pages, long enough to time, small enough to stay in cache-warm allocator lists.</summary>
    public const int DefaultPages = 1024;

    /// <summary>
    /// The single-task real fault cost in nanoseconds, measured for about <paramref name="budget"/> (200 ms when
    /// null) under <paramref name="policy"/>. Throws <see cref="KernelRefusedException"/> when the kernel refuses
    /// a call (no SysV shm, no mbind…); the caller then uses its documented default.
    /// </summary>
    public static double SingleTaskFaultNs(TimeSpan? budget = null, PolicyKind policy = PolicyKind.None, int pages = DefaultPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        TimeSpan b = budget ?? TimeSpan.FromMilliseconds(200);
        double result = double.NaN;
        Exception? error = null;
        // A thread of its own, so the caller's affinity is left as it was.
        var t = new Thread(() =>
        {
            try { result = Measure(b, policy, pages); }
            catch (Exception e) when (e is KernelRefusedException) { error = e; }
        }) { IsBackground = true, Name = "kernel-fault-probe" };
        t.Start();
        t.Join();
        if (error is not null) throw error;
        return result;
    }

    /// <summary>As <see cref="SingleTaskFaultNs"/>, without the exception: false and the kernel's refusal when it refused.</summary>
    public static bool TryMeasure(out double faultNs, out string? refusal, TimeSpan? budget = null, PolicyKind policy = PolicyKind.None)
    {
        try
        {
            faultNs = SingleTaskFaultNs(budget, policy);
            refusal = null;
            return true;
        }
        catch (KernelRefusedException e)
        {
            faultNs = double.NaN;
            refusal = e.Message;
            return false;
        }
    }

    private static double Measure(TimeSpan budget, PolicyKind policy, int pages)
    {
        var allowed = SysfsTopology.Read().CpusAllowed;
        if (allowed.Count > 0)
        {
            int rc = CpuAffinity.PinCurrentThread(allowed[0]);
            if (rc < 0) throw new KernelRefusedException(KernelCall.SchedSetaffinity, rc);
        }
        ulong page = (ulong)Environment.SystemPageSize, bytes = (ulong)pages * page;
        using var segments = new KernelSegments();
        var (_, addr) = segments.Create(bytes);
        if (policy == PolicyKind.Interleave)
        {
            var mask = new ulong[LinuxSyscalls.CpuSetBits / 64];
            foreach (int id in KernelRunner.PolicyNodes()) mask[id / 64] |= 1UL << (id % 64);
            long rc = LinuxSyscalls.Mbind(addr, bytes, LinuxConstants.MPOL_INTERLEAVE, mask, (ulong)mask.Length * 64 + 1, 0);
            if (rc < 0) throw new KernelRefusedException(KernelCall.Mbind, (int)rc);
        }
        byte* p = (byte*)addr;
        var perPage = new List<double>();
        long end = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        for (int pass = 0; pass < 3 || (Stopwatch.GetTimestamp() < end && pass < 100_000); pass++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (ulong i = 0; i < (ulong)pages; i++) p[i * page] = 1;
            long t1 = Stopwatch.GetTimestamp();
            int rc = LinuxSyscalls.Madvise(addr, bytes, LinuxConstants.MADV_REMOVE);
            if (rc < 0) throw new KernelRefusedException(KernelCall.MadviseRemove, rc);
            if (pass > 0) perPage.Add((t1 - t0) * 1e9 / Stopwatch.Frequency / pages);   // the first pass warms the code
        }
        perPage.Sort();
        return perPage[perPage.Count / 2];
    }
}
