using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using static PolicyStress.Engine.Tests.TestKit;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// /proc/pid/numa_maps, line for line, and the seed scenario of the 30 Oct 2007 mail end to end: task1
/// shmget+shmat and mbind two sub-ranges; task2 attaches the whole segment; both fault; task2 replaces a
/// range across both sub-ranges; both detach, IPC_RMID, exit; the audit is clean.
/// </summary>
public class NumaMapsTests
{
    private const string File = " file=/SYSV00000000\\040(deleted)";

    private static string Line(ulong addr, string policy, string counts = "") =>
        $"{addr:x8} {policy}{File}{(counts.Length > 0 ? " " + counts + " kernelpagesize_kB=4" : "")}\n";

    [Fact]
    public void SeedScenarioNumaMapsShowsTask2OnlyThePolicyAtItsStart()
    {
        var k = FourNodes();
        var t1 = k.CreateProcess(0);
        var t2 = k.CreateProcess(1);
        int id = k.Shmget(t1, ShmFlags.IpcPrivate, 32 * Page, ShmFlags.IpcCreat | ShmFlags.Mode0600);
        var seg = k.Segment(id)!;
        ulong v1 = (ulong)k.Shmat(t1, id, 0, 0);
        Assert.Equal(0x7efffffe0000UL, v1);   // top-down below mmap_base
        Assert.Equal(0, k.Mbind(t1, v1 + 4 * Page, 8 * Page, Interleave, Mask(0, 1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t1, v1 + 20 * Page, 8 * Page, Bind, Mask(3), MaxNode, 0));
        Assert.Equal(5, t1.Mm.VmaList.Count);
        ulong v2 = (ulong)k.Shmat(t2, id, 0, 0);
        Assert.Single(t2.Mm.VmaList);

        var placed = new int[32];
        for (int p = 0; p < 16; p++) placed[p] = k.Fault(t1, v1 + (ulong)p * Page);
        for (int p = 16; p < 32; p++) placed[p] = k.Fault(t2, v2 + (ulong)p * Page);
        Assert.All(placed[..4], n => Assert.Equal(0, n));        // task1's local node
        Assert.Equal(4, placed[4..12].Count(n => n == 0));       // interleave 0-1
        Assert.Equal(4, placed[4..12].Count(n => n == 1));
        Assert.All(placed[12..16], n => Assert.Equal(0, n));
        Assert.All(placed[16..20], n => Assert.Equal(1, n));     // task2's local node
        Assert.All(placed[20..28], n => Assert.Equal(3, n));     // bind:3, whoever faults
        Assert.All(placed[28..32], n => Assert.Equal(1, n));

        // Kernel style: one line per vma, the policy at vm_start, counts over the vma (this mm's ptes only).
        string task1Kernel =
            Line(v1, "default", "dirty=4 N0=4") +
            Line(v1 + 4 * Page, "interleave:0-1", "dirty=8 N0=4 N1=4") +
            Line(v1 + 12 * Page, "default", "dirty=4 N0=4") +
            Line(v1 + 20 * Page, "bind:3") +
            Line(v1 + 28 * Page, "default");
        Assert.Equal(task1Kernel, k.NumaMaps(t1, t1));
        Assert.Equal(task1Kernel, k.NumaMaps(t1, t1, NumaMapsStyle.SubRanges));   // task1's vmas match the tree
        // task2's one vma: the policy at offset 0 ("default") while the counts include the bind range — the lie
        Assert.Equal(Line(v2, "default", "dirty=16 N1=8 N3=8"), k.NumaMaps(t2, t2));
        Assert.Equal("7efffffe0000 default file=/SYSV00000000\\040(deleted) dirty=16 N1=8 N3=8 kernelpagesize_kB=4\n", k.NumaMaps(t1, t2));
        Assert.Equal(
            Line(v2, "default") +
            Line(v2 + 4 * Page, "interleave:0-1") +
            Line(v2 + 12 * Page, "default", "dirty=4 N1=4") +
            Line(v2 + 20 * Page, "bind:3", "dirty=8 N3=8") +
            Line(v2 + 28 * Page, "default", "dirty=4 N1=4"),
            k.NumaMaps(t2, t2, NumaMapsStyle.SubRanges));

        // Reads through the other attach map the same pages: mapmax=2, and "mapped=" when not all are dirty.
        for (int p = 4; p < 8; p++) Assert.Equal(placed[p], k.Fault(t2, v2 + (ulong)p * Page, write: false));
        Assert.Equal(Line(v1 + 4 * Page, "interleave:0-1", "dirty=8 mapmax=2 N0=4 N1=4"), k.NumaMaps(t1, t1).Split('\n')[1] + "\n");
        Assert.Equal(Line(v2, "default", "dirty=20 mapmax=2 N0=2 N1=10 N3=8"), k.NumaMaps(t2, t2));

        // task2 replaces [8,24): trims the interleave range's tail and the bind range's head.
        Assert.Equal(0, k.Mbind(t2, v2 + 8 * Page, 16 * Page, Preferred, Mask(2), MaxNode, 0));
        Assert.Equal([(4UL, 8UL, "interleave:0-1"), (8UL, 24UL, "prefer:2"), (24UL, 28UL, "bind:3")],
            seg.Object.Policy!.Nodes().ConvertAll(n => (n.Start, n.End, PolicyText.ToKernelString(n.Policy))));
        Assert.All(seg.Object.Policy.Nodes(), n => Assert.Equal(1, n.RefCount));
        // task1's vmas were not touched, but their lines show the tree at each vm_start
        Assert.Equal(
            Line(v1, "default", "dirty=4 N0=4") +
            Line(v1 + 4 * Page, "interleave:0-1", "dirty=8 mapmax=2 N0=4 N1=4") +
            Line(v1 + 12 * Page, "prefer:2", "dirty=4 N0=4") +
            Line(v1 + 20 * Page, "prefer:2") +
            Line(v1 + 28 * Page, "default"),
            k.NumaMaps(t1, t1));
        // Lee's rendering splits task1's vmas at the tree's new boundaries, each with its own counts
        Assert.Equal(
            Line(v1, "default", "dirty=4 N0=4") +
            Line(v1 + 4 * Page, "interleave:0-1", "dirty=4 mapmax=2 N0=2 N1=2") +
            Line(v1 + 8 * Page, "prefer:2", "dirty=4 N0=2 N1=2") +
            Line(v1 + 12 * Page, "prefer:2", "dirty=4 N0=4") +
            Line(v1 + 20 * Page, "prefer:2") +
            Line(v1 + 24 * Page, "bind:3") +
            Line(v1 + 28 * Page, "default"),
            k.NumaMaps(t1, t1, NumaMapsStyle.SubRanges));
        Assert.Equal(
            Line(v2, "default", "dirty=4 mapmax=2 N0=2 N1=2") +
            Line(v2 + 8 * Page, "prefer:2", "dirty=8 N1=4 N3=4") +
            Line(v2 + 24 * Page, "bind:3", "dirty=8 N1=4 N3=4"),   // vm_start of task2's upper vma: offset 24
            k.NumaMaps(t2, t2));
        // new faults in the replaced range follow the new policy from either task
        Assert.Equal(3, k.Fault(t1, v1 + 20 * Page, write: false));   // page 20 already exists, on node 3
        Assert.Equal(0, k.Madvise(t2, v2 + 20 * Page, Page, Kernel.MadvRemove));
        Assert.Equal(2, k.Fault(t1, v1 + 20 * Page));

        Assert.Equal(0, k.Shmdt(t1, v1));
        Assert.Equal(0, k.Shmdt(t2, v2));
        Assert.Equal(0, k.ShmctlRmid(t1, id));
        Assert.True(seg.Dead);
        k.Exit(t1);
        k.Exit(t2);
        var audit = k.Audit();
        Assert.Equal(0, audit.Findings);
        Assert.Equal(0, audit.Uaf);
        Assert.Equal(0, audit.Leaked);
        Assert.Equal(0, audit.RefMismatch);
        Assert.Equal(0, audit.TreeErrors);
        Assert.Empty(k.Policies.LiveObjects());
    }

    [Fact]
    public void NumaMapsSpellsEveryModeAndFlagAsTheKernelDoes()
    {
        var k = FourNodes();
        var t = k.CreateProcess(1);
        ulong a = MapAnon(k, t, 8);
        Assert.Equal(0, k.Mbind(t, a, 2 * Page, Preferred, Mask(2), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 2 * Page, 2 * Page, Bind | MpolFlags.StaticNodes, Mask(1), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, a + 4 * Page, 2 * Page, Local, null, 0, 0));
        Assert.Equal(0, k.Mbind(t, a + 6 * Page, 2 * Page, WeightedInterleave, Mask(0, 1, 2, 3), MaxNode, 0));
        ulong s = MapAnon(k, t, 4, shared: true);
        Assert.Equal(0, k.Mbind(t, s, 4 * Page, PreferredMany, Mask(0, 3), MaxNode, 0));
        for (ulong p = 0; p < 8; p++) k.Fault(t, a + p * Page, write: p != 1);
        for (ulong p = 0; p < 4; p++) k.Fault(t, s + p * Page, write: p == 0);
        string maps = k.NumaMaps(t, t);
        string[] lines = maps.TrimEnd('\n').Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.Equal($"{s:x8} prefer (many):0,3 file=/dev/zero\\040(deleted) dirty=1 mapped=4 N0=4 kernelpagesize_kB=4", lines[0]);
        // Page 1 was only read: the zero page, which numa_maps does not count.
        Assert.Equal($"{a:x8} prefer:2 anon=1 dirty=1 N2=1 kernelpagesize_kB=4", lines[1]);
        Assert.Equal($"{a + 2 * Page:x8} bind=static:1 anon=2 dirty=2 N1=2 kernelpagesize_kB=4", lines[2]);
        Assert.Equal($"{a + 4 * Page:x8} local anon=2 dirty=2 N1=2 kernelpagesize_kB=4", lines[3]);
        Assert.StartsWith($"{a + 6 * Page:x8} weighted interleave:0-3 anon=2 dirty=2 N", lines[4]);

        // A vma without a policy prints the task policy; a static or absent one prints "default".
        ulong b = MapAnon(k, t, 1);
        Assert.StartsWith($"{b:x8} default\n", k.NumaMaps(t, t));
        Assert.Equal(0, k.SetMempolicy(t, Interleave, Mask(0, 1, 2, 3), MaxNode));
        Assert.StartsWith($"{b:x8} interleave:0-3\n", k.NumaMaps(t, t));
        Assert.StartsWith($"{b:x8} interleave:0-3\n", k.NumaMaps(k.CreateProcess(0), t));   // the target's, not the reader's
        k.Exit(t);
        AssertClean(k);
    }

    [Fact]
    public void Format2007UsesEqualsSign()
    {
        var k = FourNodes(new KernelConfig { Scheme = Refcounting.RefScheme.Lookup2007 });
        var t = k.CreateProcess(0);
        var (_, addr) = NewSegment(k, t, 8);
        Assert.Equal(0, k.Mbind(t, addr, 4 * Page, Interleave, Mask(0, 1, 2, 3), MaxNode, 0));
        Assert.Equal(0, k.Mbind(t, addr + 4 * Page, 4 * Page, Preferred, Mask(2), MaxNode, 0));
        for (ulong p = 0; p < 8; p++) k.Fault(t, addr + p * Page);
        string[] lines = k.NumaMaps(t, t).TrimEnd('\n').Split('\n');
        // 2.6.23's show_numa_map() had no kernelpagesize_kB (a 2015 addition)
        Assert.Equal($"{addr:x8} interleave=0-3{File} dirty=4 N0=1 N1=1 N2=1 N3=1", lines[0]);
        Assert.Equal($"{addr + 4 * Page:x8} prefer=2{File} dirty=4 N2=4", lines[1]);
        k.Exit(t);
        AssertClean(k);
    }

    [Theory]
    [InlineData(false, " dirty=1 mapmax=2 N1=1 kernelpagesize_kB=2048")]
    [InlineData(true, " dirty=1 N1=1")]
    public void HugetlbMapmaxByEra(bool era2007, string counts)
    {
        // 2.6.23 hugetlb pages had no mapcount (hugetlb_no_page added no rmap): page_mapcount() was 0, so a
        // huge line never showed mapmax=, however many tasks mapped the page.
        var k = FourNodes(era2007 ? new KernelConfig { Scheme = Refcounting.RefScheme.Lookup2007 } : null);
        var t1 = k.CreateProcess(1);
        var t2 = k.CreateProcess(1);
        int id = k.Shmget(t1, ShmFlags.IpcPrivate, ShmFlags.HugePageSize, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb);
        ulong a1 = (ulong)k.Shmat(t1, id, 0, 0), a2 = (ulong)k.Shmat(t2, id, 0, 0);
        Assert.Equal(1, k.Fault(t1, a1));
        Assert.Equal(1, k.Fault(t2, a2));
        Assert.Equal($"{a1:x8} default{File} huge{counts}\n", k.NumaMaps(t1, t1));
        AssertClean(k);
    }
}
