namespace PolicyStress.Linux;

/// <summary>
/// Per-thread CPU placement through sched_setaffinity(0, …) and sched_getcpu(). .NET has no managed
/// per-thread affinity API and resets new threads to the process mask, so a worker pins itself.
/// </summary>
public static class CpuAffinity
{
    /// <summary>Pins the calling thread to <paramref name="cpu"/>; returns 0 or -errno.</summary>
    public static int PinCurrentThread(int cpu) => LinuxSyscalls.SchedSetaffinity(cpu);

    /// <summary>The CPU the calling thread runs on now (sched_getcpu), or -errno.</summary>
    public static int CurrentCpu() => LinuxSyscalls.SchedGetcpu();
}
