using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)), for faults per CPU-second.
/// </summary>
public static partial class ThreadCpuClock
{
    private const int ClockThreadCputimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec ts);

    /// <summary>Nanoseconds of CPU the calling thread has used, or 0 where the clock is unavailable.</summary>
    public static long NowNs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGettime(ClockThreadCputimeId, out var ts) == 0 ? ts.Sec * 1_000_000_000 + ts.Nsec : 0;
    }
}
