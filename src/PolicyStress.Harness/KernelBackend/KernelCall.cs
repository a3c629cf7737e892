using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>The syscalls a kernel run makes, for the one line that names the one the kernel refused.</summary>
public enum KernelCall
{
    None,
    Shmget,
    Shmat,
    ShmctlRmid,
    Mbind,
    MadviseRemove,
    SchedSetaffinity,
    SchedGetcpu,
    PrctlPdeathsig,
    Getrusage,
}

/// <summary>
/// The running kernel refused a call the kernel backend needs (no SysV shm, ENOSYS, EPERM, ENOMEM…). The
/// point has no row; the CLI prints <see cref="Exception.Message"/> as its one line and exits with its own code.
/// </summary>
public sealed class KernelRefusedException(KernelCall call, int errno)
    : Exception($"the kernel refused {CallName(call)}: {LinuxConstants.ErrnoName(errno)} (errno {Math.Abs(errno)})")
{
    public KernelCall Call { get; } = call;
    /// <summary>The errno, positive.</summary>
    public int Errno { get; } = Math.Abs(errno);

    public static string CallName(KernelCall call) => call switch
    {
        KernelCall.Shmget => "shmget",
        KernelCall.Shmat => "shmat",
        KernelCall.ShmctlRmid => "shmctl(IPC_RMID)",
        KernelCall.Mbind => "mbind",
        KernelCall.MadviseRemove => "madvise(MADV_REMOVE)",
        KernelCall.SchedSetaffinity => "sched_setaffinity",
        KernelCall.SchedGetcpu => "sched_getcpu",
        KernelCall.PrctlPdeathsig => "prctl(PR_SET_PDEATHSIG)",
        KernelCall.Getrusage => "getrusage(RUSAGE_THREAD)",
        _ => "a syscall",
    };
}

/// <summary>
/// A child process of the process model died, or a task hung: the point failed (no row) with this reason.
/// </summary>
public sealed class KernelTaskFailedException(string reason) : Exception(reason);
