using PolicyStress.Linux;

namespace PolicyStress.Harness.Tests;

/// <summary>A throwaway /sys + /proc tree (the machines the harness must plan for), deleted on dispose.</summary>
internal sealed class SysfsTree : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ps-harness-" + Guid.NewGuid().ToString("N"));

    public SysfsTree Node(int id, string cpulist, string distance, long memKb)
    {
        string dir = $"sys/devices/system/node/node{id}/";
        Write(dir + "cpulist", cpulist + "\n");
        Write(dir + "distance", distance + "\n");
        return Write(dir + "meminfo", $"Node {id} MemTotal:       {memKb,8} kB\n");
    }

    public SysfsTree Allowed(string cpus, string mems) =>
        Write("proc/self/status", $"Name:\ttest\nCpus_allowed_list:\t{cpus}\nMems_allowed_list:\t{mems}\n");

    public SysfsTree Write(string relative, string content)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public MachineTopology Read() => SysfsTopology.Read(Path.Combine(Root, "sys"), Path.Combine(Root, "proc"));

    /// <summary>2 sockets × 4 CPUs, SLIT 10/21.</summary>
    public static SysfsTree TwoSocket() => new SysfsTree()
        .Node(0, "0-3", "10 21", 8_000_000).Node(1, "4-7", "21 10", 8_000_000)
        .Write("sys/devices/system/node/online", "0-1\n").Write("sys/devices/system/cpu/online", "0-7\n");

    /// <summary>Nodes 0 and 1 with 4 CPUs each, nodes 2 and 3 memory only (CXL/HBM style).</summary>
    public static SysfsTree FourNodeCpuLess() => new SysfsTree()
        .Node(0, "0-3", "10 16 22 28", 4_000_000).Node(1, "4-7", "16 10 28 22", 4_000_000)
        .Node(2, "", "22 28 10 16", 16_000_000).Node(3, "", "28 22 16 10", 16_000_000)
        .Write("sys/devices/system/node/online", "0-3\n").Write("sys/devices/system/cpu/online", "0-7\n");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
