using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// Thin wrappers over the real kernel: SysV shm (shmget/shmat/shmdt/shmctl), mmap/munmap/madvise,
/// the NUMA memory-policy syscalls (mbind, set_mempolicy, get_mempolicy via syscall(2)), and
/// sched_setaffinity/sched_getcpu/gettid. Every wrapper returns the kernel convention — the result
/// (&gt;= 0) or -errno — so callers can compare it value for value with the Engine's model.
/// </summary>
public static unsafe class LinuxSyscalls
{
    /// <summary>Bits in the cpu_set_t we pass to sched_setaffinity (glibc's CPU_SETSIZE).</summary>
    public const int CpuSetBits = 1024;

    public static int Shmget(int key, ulong size, int shmflg)
        => Check(Libc.shmget(key, (nuint)size, shmflg));

    /// <summary>Returns the attach address, or -errno (libc reports failure as (void*)-1).</summary>
    public static long Shmat(int shmid, nint shmaddr, int shmflg)
    {
        nint addr = Libc.shmat(shmid, shmaddr, shmflg);
        return addr == -1 ? -Marshal.GetLastPInvokeError() : addr;
    }

    public static int Shmdt(nint addr) => Check(Libc.shmdt(addr));

    /// <summary>shmctl(IPC_RMID): the segment goes away once the last attach is gone.</summary>
    public static int ShmctlRmid(int shmid) => Check(Libc.shmctl(shmid, LinuxConstants.IPC_RMID, null));

    /// <summary>Returns the mapping address, or -errno (libc reports failure as MAP_FAILED).</summary>
    public static long Mmap(nint addr, ulong length, int prot, int flags, int fd, long offset)
    {
        nint result = Libc.mmap(addr, (nuint)length, prot, flags, fd, (nint)offset);
        return result == -1 ? -Marshal.GetLastPInvokeError() : result;
    }

    public static int Munmap(nint addr, ulong length) => Check(Libc.munmap(addr, (nuint)length));

    public static int Madvise(nint addr, ulong len, int advice) => Check(Libc.madvise(addr, (nuint)len, advice));

    /// <summary>mbind(2). A null <paramref name="nmask"/> is passed as NULL (the kernel reads no mask).</summary>
    public static long Mbind(nint start, ulong len, int mode, ulong[]? nmask, ulong maxnode, uint flags)
    {
        if (NumaSyscallNumbers.Mbind < 0) return -LinuxConstants.ENOSYS;
        if (!MaskCovers(nmask, maxnode)) return -LinuxConstants.EFAULT;
        fixed (ulong* mask = &MaskRef(nmask))
            return Syscall(NumaSyscallNumbers.Mbind, start, (nint)len, mode, (nint)mask, (nint)maxnode, (nint)flags);
    }

    /// <summary>set_mempolicy(2) for the calling thread.</summary>
    public static long SetMempolicy(int mode, ulong[]? nmask, ulong maxnode)
    {
        if (NumaSyscallNumbers.SetMempolicy < 0) return -LinuxConstants.ENOSYS;
        if (!MaskCovers(nmask, maxnode)) return -LinuxConstants.EFAULT;
        fixed (ulong* mask = &MaskRef(nmask))
            return Syscall(NumaSyscallNumbers.SetMempolicy, mode, (nint)mask, (nint)maxnode, 0, 0, 0);
    }

    /// <summary>
    /// get_mempolicy(2). The kernel writes the mask into <paramref name="nmask"/> when it is not null;
    /// with MPOL_F_ADDR it reports the policy governing <paramref name="addr"/>.
    /// </summary>
    public static long GetMempolicy(out int mode, ulong[]? nmask, ulong maxnode, nint addr, uint flags)
    {
        mode = 0;
        if (NumaSyscallNumbers.GetMempolicy < 0) return -LinuxConstants.ENOSYS;
        if (!MaskCovers(nmask, maxnode)) return -LinuxConstants.EFAULT;
        int m = 0;
        long rc;
        fixed (ulong* mask = &MaskRef(nmask))
            rc = Syscall(NumaSyscallNumbers.GetMempolicy, (nint)(&m), (nint)mask, (nint)maxnode, addr, (nint)flags, 0);
        mode = m;
        return rc;
    }

    /// <summary>Pins the calling thread (pid 0) to one CPU with a 1024-bit cpu_set_t.</summary>
    public static int SchedSetaffinity(int cpu)
    {
        // Outside the set the kernel would see an empty mask; say so with the kernel's answer.
        if ((uint)cpu >= CpuSetBits) return -LinuxConstants.EINVAL;
        ulong* set = stackalloc ulong[CpuSetBits / 64];
        new Span<ulong>(set, CpuSetBits / 64).Clear();
        set[cpu / 64] = 1UL << (cpu % 64);
        return Check(Libc.sched_setaffinity(0, CpuSetBits / 8, set));
    }

    public static int SchedGetcpu() => Check(Libc.sched_getcpu());

    public static int Gettid() => Libc.gettid();

    public static int Getpid() => Libc.getpid();

    public static int Getppid() => Libc.getppid();

    /// <summary>prctl(PR_SET_PDEATHSIG, <paramref name="signal"/>): the kernel sends it to this process when the
    /// thread that created it exits (kernel/exit.c forget_original_parent). 0 or -errno.</summary>
    public static int PrctlSetPdeathsig(int signal) => Check(Libc.prctl(LinuxConstants.PR_SET_PDEATHSIG, (nuint)signal, 0, 0, 0));

    /// <summary>
    /// ru_minflt of getrusage(RUSAGE_THREAD): minor faults the calling thread has taken (current-&gt;min_flt,
    /// counted in mm/memory.c mm_account_fault), or -errno.
    /// </summary>
    public static long ThreadMinorFaults()
    {
        // struct rusage: two struct timeval (16 bytes each on 64-bit), then longs: maxrss, ixrss, idrss, isrss, minflt, ...
        long* usage = stackalloc long[18];
        int rc = Check(Libc.getrusage(LinuxConstants.RUSAGE_THREAD, usage));
        return rc < 0 ? rc : usage[4 + 4];
    }

    /// <summary>
    /// The kernel's get_nodes()/copy_nodes_to_user() read or write maxnode-1 bits, rounded up to
    /// whole longs. A managed array shorter than that would let the kernel run past its end into the
    /// GC heap (a real user pointer would fault with EFAULT), so refuse with -EFAULT before calling.
    /// </summary>
    internal static bool MaskCovers(ulong[]? nmask, ulong maxnode)
    {
        if (nmask is null || maxnode <= 1) return true;
        ulong bits = maxnode - 1;
        ulong longsNeeded = bits / 64 + (bits % 64 == 0 ? 0UL : 1UL);
        return (ulong)nmask.Length >= longsNeeded;
    }

    // A null array must reach the kernel as NULL, but an empty non-null one must not (the kernel's
    // maxnode checks differ): GetArrayDataReference gives a non-null address even for length 0,
    // where `fixed (p = array)` would give NULL.
    private static ref ulong MaskRef(ulong[]? nmask)
        => ref nmask is null ? ref Unsafe.NullRef<ulong>() : ref MemoryMarshal.GetArrayDataReference(nmask);

    private static long Syscall(int number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6)
    {
        nint rc = Libc.syscall6(number, a1, a2, a3, a4, a5, a6);
        return rc == -1 ? -Marshal.GetLastPInvokeError() : rc;
    }

    private static int Check(int rc) => rc == -1 ? -Marshal.GetLastPInvokeError() : rc;
}
