using System.Globalization;

namespace PolicyStress.Linux;

/// <summary>One SysV shared memory segment as /proc/sysvipc/shm lists it (ipc/shm.c sysvipc_shm_proc_show).</summary>
/// <param name="Key">The key; IPC_PRIVATE (0) for private segments and for every segment marked for removal.</param>
/// <param name="Shmid">The segment's id.</param>
/// <param name="Perms">shm_perm.mode, with SHM_DEST set once IPC_RMID was issued.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="CreatorPid">cpid: the process that created the segment.</param>
/// <param name="Attaches">nattch: current attaches.</param>
public sealed record SysvShmSegment(long Key, int Shmid, int Perms, ulong Size, int CreatorPid, long Attaches)
{
    /// <summary>IPC_RMID was issued: the segment goes away with its last detach.</summary>
    public bool MarkedForRemoval => (Perms & LinuxConstants.SHM_DEST) != 0;
}

/// <summary>
/// Reader of /proc/sysvipc/shm, the ipcs-equivalent view of every SysV segment of this IPC namespace.
/// A run uses it to show that none of its segments outlives it.
/// </summary>
public static class SysvShmTable
{
    public const string ProcPath = "/proc/sysvipc/shm";

    /// <summary>The segments listed now; empty where the file does not exist (no SysV IPC in this kernel).</summary>
    public static IReadOnlyList<SysvShmSegment> Read() => File.Exists(ProcPath) ? Parse(File.ReadAllText(ProcPath)) : [];

    /// <summary>Parses the file's text: a header line, then one whitespace-separated row per segment.</summary>
    public static IReadOnlyList<SysvShmSegment> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<SysvShmSegment>();
        foreach (string raw in text.Split('\n').Skip(1))
        {
            string[] f = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 7) continue;
            // The mode is printed in octal ("%4o").
            list.Add(new SysvShmSegment(
                long.Parse(f[0], CultureInfo.InvariantCulture),
                int.Parse(f[1], CultureInfo.InvariantCulture),
                Convert.ToInt32(f[2], 8),
                ulong.Parse(f[3], CultureInfo.InvariantCulture),
                int.Parse(f[4], CultureInfo.InvariantCulture),
                long.Parse(f[6], CultureInfo.InvariantCulture)));
        }
        return list;
    }

    /// <summary>Segments created by process <paramref name="pid"/> that still exist.</summary>
    public static int CountCreatedBy(int pid) => Read().Count(s => s.CreatorPid == pid);

    /// <summary>Whether a segment with id <paramref name="shmid"/> still exists.</summary>
    public static bool Exists(int shmid) => Read().Any(s => s.Shmid == shmid);
}
