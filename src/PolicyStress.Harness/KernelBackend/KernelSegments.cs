using PolicyStress.Linux;

namespace PolicyStress.Harness.KernelBackend;

/// <summary>
/// The SysV segments of one kernel run, created and attached by the parent, each marked for removal
/// (shmctl IPC_RMID) at once after its attach: the kernel then frees it with its last detach, so it cannot
/// outlive the run whatever ends it (children attach by id, which Linux allows after IPC_RMID).
/// Dispose detaches every one.
/// </summary>
internal sealed class KernelSegments : IDisposable
{
    private readonly List<(int Shmid, nint Address)> _attached = [];

    /// <summary>Create, attach and mark a segment of <paramref name="bytes"/>; throws <see cref="KernelRefusedException"/>.</summary>
    public (int Shmid, nint Address) Create(ulong bytes)
    {
        int id = LinuxSyscalls.Shmget(LinuxConstants.IPC_PRIVATE, bytes,
            LinuxConstants.IPC_CREAT | LinuxConstants.IPC_EXCL | LinuxConstants.S_IRUSR | LinuxConstants.S_IWUSR);
        if (id < 0) throw new KernelRefusedException(KernelCall.Shmget, id);
        long addr = LinuxSyscalls.Shmat(id, 0, 0);
        if (addr < 0)
        {
            LinuxSyscalls.ShmctlRmid(id);
            throw new KernelRefusedException(KernelCall.Shmat, (int)addr);
        }
        _attached.Add((id, (nint)addr));
        int rc = LinuxSyscalls.ShmctlRmid(id);
        if (rc < 0) throw new KernelRefusedException(KernelCall.ShmctlRmid, rc);
        return (id, (nint)addr);
    }

    public IReadOnlyList<(int Shmid, nint Address)> Attached => _attached;

    public void Dispose()
    {
        foreach (var (_, addr) in _attached) LinuxSyscalls.Shmdt(addr);
        _attached.Clear();
    }
}
