namespace PolicyStress.Linux.Tests;

/// <summary>A throwaway /sys + /proc tree under the temp directory, deleted on dispose.</summary>
internal sealed class SysfsFixture : IDisposable
{
    public SysfsFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "ps-linux-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }
    public string Sys => Path.Combine(Root, "sys");
    public string Proc => Path.Combine(Root, "proc");

    public SysfsFixture Sysfs(string relative, string content) => Write(Path.Combine(Sys, relative), content);
    public SysfsFixture Procfs(string relative, string content) => Write(Path.Combine(Proc, relative), content);

    /// <summary>nodeN/{cpulist,distance,meminfo} the way the kernel prints them.</summary>
    public SysfsFixture Node(int id, string cpulist, string distance, long memKb)
    {
        string dir = $"devices/system/node/node{id}/";
        Sysfs(dir + "cpulist", cpulist + "\n");
        Sysfs(dir + "distance", distance + "\n");
        return Sysfs(dir + "meminfo",
            $"Node {id} MemTotal:       {memKb,8} kB\nNode {id} MemFree:        {memKb / 2,8} kB\n");
    }

    public SysfsFixture Status(string cpus, string mems)
        => Procfs("self/status", $"Name:\ttest\nCpus_allowed:\tff\nCpus_allowed_list:\t{cpus}\nMems_allowed_list:\t{mems}\nvoluntary_ctxt_switches:\t1\n");

    public MachineTopology Read() => SysfsTopology.Read(Sys, Proc);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private SysfsFixture Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }
}
