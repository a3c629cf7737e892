using System.Runtime.InteropServices;

namespace PolicyStress.Linux;

/// <summary>
/// access(2) with W_OK: whether this process, with its real uid and gid, may write a path — what a later
/// open or rename will be told, checked before any work (root passes on any file; a read-only mount
/// refuses everyone with EROFS).
/// </summary>
public static partial class PathAccess
{
    private const int W_OK = 2, X_OK = 1;

    /// <summary>0 when a file may be created in <paramref name="dir"/> (write and search permission), else the errno.</summary>
    public static int CanCreateIn(string dir) => Access(dir, W_OK | X_OK);

    /// <summary>0 when <paramref name="path"/> may be opened for writing, else the errno.</summary>
    public static int CanWrite(string path) => Access(path, W_OK);

    /// <summary>strerror of <paramref name="errno"/>, e.g. "Permission denied".</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static int Access(string path, int mode) => access(path, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);
}
