using System.Globalization;

namespace PolicyStress.Linux;

/// <summary>
/// /proc/self/maps (fs/proc/task_mmu.c show_map_vma: "start-end perms offset dev inode path"), read for the
/// one thing numa_maps does not print: the inode number of the file a mapping maps — a SysV segment's
/// shmid (newseg sets it so), a MAP_SHARED|MAP_ANONYMOUS mapping's shmem inode — which biases shmem
/// interleave since 3.6.
/// </summary>
public static class ProcMaps
{
    /// <summary>The inode number of the mapping that contains <paramref name="addr"/>; 0 for an anonymous one, -1 if none does.</summary>
    public static long InodeAt(ulong addr) => InodeAt(File.ReadAllText("/proc/self/maps"), addr);

    public static long InodeAt(string maps, ulong addr)
    {
        ArgumentNullException.ThrowIfNull(maps);
        foreach (var row in maps.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = row.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5) continue;
            int dash = f[0].IndexOf('-', StringComparison.Ordinal);
            if (dash < 0
                || !ulong.TryParse(f[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(f[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong end))
                continue;
            if (addr >= start && addr < end)
                return long.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out long ino) ? ino : -1;
        }
        return -1;
    }
}
