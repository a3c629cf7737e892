namespace PolicyStress.Engine.Ipc;

/// <summary>SysV IPC and shm flag bits (include/uapi/linux/ipc.h, shm.h) and limits.</summary>
public static class ShmFlags
{
    public const int IpcPrivate = 0;
    public const int IpcCreat = 0x200;   // 01000
    public const int IpcExcl = 0x400;    // 02000
    public const int ShmHugetlb = 0x800; // 04000
    public const int ShmRdonly = 0x1000; // 010000
    public const int ShmRnd = 0x2000;    // 020000
    public const int ShmRemap = 0x4000;  // 040000
    /// <summary>S_IRUSR | S_IWUSR (octal 0600): the permission bits of the segments created here.</summary>
    public const int Mode0600 = 0x180;
    public const ulong HugePageSize = 1UL << Kernel.HugePageShift;
}
