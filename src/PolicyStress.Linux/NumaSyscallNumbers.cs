using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// Syscall numbers of mbind / set_mempolicy / get_mempolicy for the running architecture
/// (arch/x86/entry/syscalls/syscall_64.tbl, include/uapi/asm-generic/unistd.h for aarch64).
/// glibc exports no wrappers for these (libnuma does), so they go through syscall(2).
/// </summary>
internal static class NumaSyscallNumbers
{
    /// <summary>-1 where the architecture is not known to us: callers then return -ENOSYS.</summary>
    internal static readonly int Mbind;
    internal static readonly int SetMempolicy;
    internal static readonly int GetMempolicy;

    static NumaSyscallNumbers()
    {
        (Mbind, SetMempolicy, GetMempolicy) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (237, 238, 239),
            Architecture.Arm64 => (235, 237, 236),
            _ => (-1, -1, -1),
        };
    }
}
