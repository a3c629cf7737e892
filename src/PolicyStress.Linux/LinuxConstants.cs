namespace PolicyStress.Linux;

/// <summary>
/// Numeric constants of the Linux user ABI used by <see cref="LinuxSyscalls"/>: SysV IPC
/// (include/uapi/linux/ipc.h, shm.h), mmap/madvise (asm-generic/mman-common.h), mempolicy
/// (include/uapi/linux/mempolicy.h) and errno (asm-generic/errno-base.h, errno.h).
/// Values are the generic ones shared by x86-64 and aarch64.
/// </summary>
public static class LinuxConstants
{
    // SysV IPC (octal in the C headers: IPC_CREAT 00001000, IPC_EXCL 00002000, SHM_HUGETLB 04000).
    public const int IPC_PRIVATE = 0;
    public const int IPC_CREAT = 0x200;
    public const int IPC_EXCL = 0x400;
    public const int IPC_RMID = 0;
    public const int SHM_RDONLY = 0x1000;
    public const int SHM_RND = 0x2000;
    public const int SHM_HUGETLB = 0x800;
    // Permission bits of shmget's shmflg (include/uapi/linux/stat.h: S_IRUSR 00400, S_IWUSR 00200).
    public const int S_IRUSR = 0x100;
    public const int S_IWUSR = 0x80;

    // mmap protections and flags.
    public const int PROT_NONE = 0x0;
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x01;
    public const int MAP_PRIVATE = 0x02;
    public const int MAP_FIXED = 0x10;
    public const int MAP_ANONYMOUS = 0x20;
    public const int MAP_NORESERVE = 0x4000;
    public const int MAP_HUGETLB = 0x40000;

    // madvise advice.
    public const int MADV_DONTNEED = 4;
    public const int MADV_REMOVE = 9;

    // Memory policy modes (MPOL_*), get_mempolicy flags (MPOL_F_*) and mbind flags (MPOL_MF_*).
    public const int MPOL_DEFAULT = 0;
    public const int MPOL_PREFERRED = 1;
    public const int MPOL_BIND = 2;
    public const int MPOL_INTERLEAVE = 3;
    public const int MPOL_LOCAL = 4;
    public const int MPOL_PREFERRED_MANY = 5;
    public const int MPOL_WEIGHTED_INTERLEAVE = 6;
    public const int MPOL_F_STATIC_NODES = 1 << 15;
    public const int MPOL_F_RELATIVE_NODES = 1 << 14;
    public const uint MPOL_F_NODE = 1;
    public const uint MPOL_F_ADDR = 2;
    public const uint MPOL_F_MEMS_ALLOWED = 4;
    public const uint MPOL_MF_STRICT = 1;
    public const uint MPOL_MF_MOVE = 2;
    public const uint MPOL_MF_MOVE_ALL = 4;

    // prctl options (include/uapi/linux/prctl.h) and the signal PR_SET_PDEATHSIG sends.
    public const int PR_SET_PDEATHSIG = 1;
    public const int SIGKILL = 9;

    // getrusage who (include/uapi/linux/resource.h).
    public const int RUSAGE_SELF = 0;
    public const int RUSAGE_THREAD = 1;

    // SHM_DEST in shm_perm.mode (include/linux/shm.h, 01000): the segment is marked for removal.
    public const int SHM_DEST = 0x200;

    // errno values the wrappers return negated.
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOSYS = 38;
    public const int EIDRM = 43;

    /// <summary>The symbolic name of an errno value (positive or negated), "errno N" for one not named here.</summary>
    public static string ErrnoName(long err) => Math.Abs(err) switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EIO => "EIO",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EEXIST => "EEXIST",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        ENOSYS => "ENOSYS",
        EIDRM => "EIDRM",
        var e => $"errno {e}",
    };
}
