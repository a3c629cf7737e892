namespace PolicyStress.Engine;

/// <summary>
/// The kernel's errno values (include/uapi/asm-generic/errno-base.h). The engine's syscall-shaped API
/// returns them negated, as the kernel does internally: 0 or a non-negative result on success,
/// <c>-Errno.EINVAL</c> and friends on failure.
/// </summary>
public static class Errno
{
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

    /// <summary>The symbolic name of an errno value (positive or negated), for messages and scripts.</summary>
    public static string Name(long err) => Math.Abs(err) switch
    {
        0 => "0",
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
