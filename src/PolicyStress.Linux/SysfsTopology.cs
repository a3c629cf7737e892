using System.Collections.Immutable;
using System.Globalization;

namespace PolicyStress.Linux;

/// <summary>
/// Reads <see cref="MachineTopology"/> from sysfs (/sys/devices/system/node, /sys/devices/system/cpu,
/// /sys/kernel/mm/mempolicy/weighted_interleave) and procfs (/proc/cpuinfo, /proc/meminfo,
/// /proc/self/status). Pure over the two roots so tests can point it at fixture directories.
/// </summary>
public static class SysfsTopology
{
    // The kernel's LOCAL_DISTANCE / REMOTE_DISTANCE (include/linux/topology.h), used when a node
    // directory lacks a distance file.
    private const int LocalDistance = 10;
    private const int RemoteDistance = 20;

    public static MachineTopology Read(string sysRoot = "/sys", string procRoot = "/proc")
    {
        string nodeRoot = Path.Combine(sysRoot, "devices", "system", "node");
        int[] nodeIds = NodeDirectoryIds(nodeRoot);
        int[] onlineCpus = OnlineCpus(sysRoot, procRoot);

        IReadOnlyList<NumaNode> nodes;
        int[] possible, online;
        if (nodeIds.Length == 0)
        {
            // CONFIG_NUMA=n kernels have no node directory; the kernel then behaves as one node 0.
            possible = online = [0];
            long memKb = MemTotalKb(Path.Combine(procRoot, "meminfo"), prefix: "");
            nodes = [new NumaNode(0, [.. onlineCpus], true, memKb, [LocalDistance], Weight(sysRoot, 0))];
        }
        else
        {
            possible = ReadList(Path.Combine(nodeRoot, "possible")) ?? nodeIds;
            online = ReadList(Path.Combine(nodeRoot, "online")) ?? nodeIds;
            int[]? hasMemory = ReadList(Path.Combine(nodeRoot, "has_memory"));
            nodes = [.. nodeIds.Select(id => ReadNode(sysRoot, nodeRoot, id, online, hasMemory))];
        }

        if (onlineCpus.Length == 0)
            onlineCpus = [.. nodes.SelectMany(n => n.Cpus).Distinct().Order()];
        var (cpusAllowed, memsAllowed) = ProcessLimits(Path.Combine(procRoot, "self", "status"));
        return new MachineTopology(
            nodes,
            [.. possible],
            [.. online],
            CpuModel(Path.Combine(procRoot, "cpuinfo")),
            Math.Max(1, onlineCpus.Length),
            [.. cpusAllowed ?? onlineCpus],
            [.. memsAllowed ?? online]);
    }

    private static NumaNode ReadNode(string sysRoot, string nodeRoot, int id, int[] online, int[]? hasMemory)
    {
        string dir = Path.Combine(nodeRoot, "node" + id.ToString(CultureInfo.InvariantCulture));
        int[] cpus = ReadList(Path.Combine(dir, "cpulist")) ?? [];
        long memKb = MemTotalKb(Path.Combine(dir, "meminfo"), prefix: $"Node {id} ");
        bool hasMem = hasMemory?.Contains(id) ?? memKb > 0;
        int[] distances = ReadDistances(Path.Combine(dir, "distance"))
            ?? [.. online.Select(other => other == id ? LocalDistance : RemoteDistance)];
        return new NumaNode(id, [.. cpus], hasMem, memKb, [.. distances], Weight(sysRoot, id));
    }

    private static int[] NodeDirectoryIds(string nodeRoot)
    {
        if (!Directory.Exists(nodeRoot)) return [];
        return [.. Directory.EnumerateDirectories(nodeRoot, "node*")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : -1)
            .Where(id => id >= 0)
            .Order()];
    }

    private static int[] OnlineCpus(string sysRoot, string procRoot)
    {
        int[]? online = ReadList(Path.Combine(sysRoot, "devices", "system", "cpu", "online"));
        if (online is not null) return online;
        string? cpuinfo = ReadOrNull(Path.Combine(procRoot, "cpuinfo"));
        if (cpuinfo is null) return [];
        int count = cpuinfo.Split('\n').Count(line => line.StartsWith("processor", StringComparison.Ordinal));
        return [.. Enumerable.Range(0, count)];
    }

    /// <summary>Weight from weighted_interleave/nodeN; kernels before 6.9 have none, which acts as 1.</summary>
    private static int Weight(string sysRoot, int id)
    {
        string path = Path.Combine(sysRoot, "kernel", "mm", "mempolicy", "weighted_interleave",
            "node" + id.ToString(CultureInfo.InvariantCulture));
        string? text = ReadOrNull(path);
        return text is not null && int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            ? w : 1;
    }

    /// <summary>"[Node N ]MemTotal:   4024532 kB" from nodeN/meminfo or /proc/meminfo; 0 when absent.</summary>
    private static long MemTotalKb(string path, string prefix)
    {
        string? text = ReadOrNull(path);
        if (text is null) return 0;
        string key = prefix + "MemTotal:";
        foreach (string line in text.Split('\n'))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal)) continue;
            string value = line[key.Length..].Trim();
            if (value.EndsWith("kB", StringComparison.Ordinal)) value = value[..^2].TrimEnd();
            return long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return 0;
    }

    private static int[]? ReadDistances(string path)
    {
        string? text = ReadOrNull(path);
        if (text is null) return null;
        return [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int d)
                ? d
                : throw new FormatException($"{path}: '{t}' is not a distance"))];
    }

    private static string CpuModel(string path)
    {
        string? text = ReadOrNull(path);
        if (text is null) return "";
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "model name")
                return line[(colon + 1)..].Trim();
        }
        return "";
    }

    private static (int[]? Cpus, int[]? Mems) ProcessLimits(string path)
    {
        string? text = ReadOrNull(path);
        if (text is null) return (null, null);
        int[]? cpus = null, mems = null;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                cpus = CpuList.Parse(line["Cpus_allowed_list:".Length..]);
            else if (line.StartsWith("Mems_allowed_list:", StringComparison.Ordinal))
                mems = CpuList.Parse(line["Mems_allowed_list:".Length..]);
        }
        return (cpus, mems);
    }

    private static int[]? ReadList(string path)
    {
        string? text = ReadOrNull(path);
        return text is null ? null : CpuList.Parse(text);
    }

    private static string? ReadOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
