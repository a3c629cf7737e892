using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// Raw glibc entry points (source-generated P/Invoke, AOT-safe). Each returns what libc returns:
/// -1 (or MAP_FAILED) with errno set on failure. <see cref="LinuxSyscalls"/> converts that to the
/// kernel's -errno convention; nothing else should call these directly.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int shmget(int key, nuint size, int shmflg);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint shmat(int shmid, nint shmaddr, int shmflg);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int shmdt(nint shmaddr);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int shmctl(int shmid, int cmd, void* buf);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int munmap(nint addr, nuint length);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int madvise(nint addr, nuint length, int advice);

    // syscall(2) is variadic in C. Declaring six fixed register-sized arguments is safe on the two
    // supported ABIs: glibc's x86-64 and aarch64 syscall() are assembly stubs that only move the
    // integer argument registers, and Linux AAPCS64 passes variadic integers like fixed ones.
    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint syscall6(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int sched_setaffinity(int pid, nuint cpusetsize, ulong* mask);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int sched_getcpu();

    [LibraryImport(Lib)]
    internal static partial int gettid();

    [LibraryImport(Lib)]
    internal static partial int getpid();

    [LibraryImport(Lib)]
    internal static partial int getppid();

    // prctl(2) is variadic too; the same register argument holds as for syscall6.
    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Lib, SetLastError = true)]
    internal static partial int getrusage(int who, long* usage);
}
