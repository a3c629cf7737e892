using System.Text;
using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Cli.Figures;

/// <summary>
/// The scenario of Lee Schermerhorn's 30 Oct 2007 mail, replayed step by step through the engine: task1
/// creates and attaches a SysV segment and mbinds two sub-ranges; task2 attaches the whole segment; both
/// fault pages; then task2 replaces a range that overlaps both sub-ranges. After each step: the shared
/// tree (ranges, policies, reference counts), both tasks' vmas, and both numa_maps renderings.
/// </summary>
internal sealed class SeedScenario(TextWriter output, RefScheme scheme, int nodes)
{
    private const ulong Page = Kernel.PageSize;
    private const ulong SegmentPages = 32;
    private Kernel _kernel = null!;
    private TaskStruct _task1 = null!, _task2 = null!;
    private ShmSegment _seg = null!;
    private ulong _view1, _view2;
    private int _step;

    public int Run()
    {
        _kernel = new Kernel(NumaTopology.Uniform(nodes, 1), new KernelConfig { Scheme = scheme });
        _task1 = _kernel.CreateProcess(0);
        _task2 = _kernel.CreateProcess(Math.Min(1, nodes - 1));
        output.WriteLine($"# Seed scenario: scheme={SchemeNames.Name(scheme)}, {nodes} nodes, a {SegmentPages}-page SysV segment");
        output.WriteLine();

        int id = (int)Check(_kernel.Shmget(_task1, ShmFlags.IpcPrivate, SegmentPages * Page, ShmFlags.IpcCreat | ShmFlags.Mode0600), "shmget");
        _seg = _kernel.Segment(id)!;
        _view1 = (ulong)Check(_kernel.Shmat(_task1, id, 0, 0), "shmat");
        Show("task1: shmget() + shmat() the whole segment");

        int a = (int)MempolicyMode.Interleave, b = (int)MempolicyMode.Bind;
        Check(_kernel.Mbind(_task1, _view1 + 4 * Page, 8 * Page, a, Mask(0, nodes > 1 ? 1 : 0), UserNodeMask.OneWordMaxNode, 0), "mbind A");
        Check(_kernel.Mbind(_task1, _view1 + 20 * Page, 8 * Page, b, Mask(nodes - 1), UserNodeMask.OneWordMaxNode, 0), "mbind B");
        Show($"task1: mbind() pages [4,12) interleave and [20,28) bind — two sp_nodes; task1's vma is split");

        _view2 = (ulong)Check(_kernel.Shmat(_task2, id, 0, 0), "shmat");
        Show("task2: shmat() the whole segment (one vma; the attach takes no reference in mainline)");

        for (ulong p = 0; p < SegmentPages / 2; p++) Check(_kernel.Fault(_task1, _view1 + p * Page), "fault");
        for (ulong p = SegmentPages / 2; p < SegmentPages; p++) Check(_kernel.Fault(_task2, _view2 + p * Page), "fault");
        Show("task1 faults pages [0,16) through its vmas, task2 faults [16,32) through its one vma");

        Check(_kernel.Mbind(_task2, _view2 + 8 * Page, 16 * Page, (int)MempolicyMode.Preferred, Mask(nodes > 2 ? 2 : 0), UserNodeMask.OneWordMaxNode, 0), "mbind C");
        Show("task2: mbind() pages [8,24) preferred — trims both sub-ranges; task2's own vma splits");

        _kernel.Shmdt(_task1, _view1);
        _kernel.Shmdt(_task2, _view2);
        _kernel.ShmctlRmid(_task1, id);
        _kernel.Exit(_task1);
        _kernel.Exit(_task2);
        output.WriteLine($"## {++_step}. both tasks detach and exit; IPC_RMID frees the tree");
        output.WriteLine();
        output.WriteLine(_kernel.Audit().ToString());
        return 0;
    }

    private static ulong[] Mask(params int[] n) => [NodeMask.Of(n).Bits];

    private static long Check(long r, string what) =>
        r >= 0 ? r : throw new InvalidOperationException($"{what} failed: {Errno.Name(r)}");

    private void Show(string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## {++_step}. {title}");
        sb.AppendLine();
        sb.AppendLine("shared policy tree (page offsets; refcnt = the atomic count on the policy):");
        var tree = _seg.Object.Policy!.Nodes();
        if (tree.Count == 0) sb.AppendLine("  (empty)");
        foreach (var (s, e, pol, refs) in tree)
            sb.AppendLine($"  [{s,2},{e,2})  {PolicyText.ToKernelString(pol),-22} refcnt={refs}");
        foreach (var (name, task) in new[] { ("task1", _task1), ("task2", _task2) })
        {
            sb.AppendLine($"{name} vmas:");
            foreach (var v in task.Mm.VmaList)
                sb.AppendLine($"  {v.Start:x}-{v.End:x} pgoff={v.Pgoff,-2} vm_policy={PolicyText.ToKernelString(v.VmPolicy)}" +
                              (v.VmPolicy is { } vp ? $" (refcnt={vp.RefCount})" : ""));
            sb.AppendLine($"{name} numa_maps (kernel):");
            foreach (var line in _kernel.NumaMaps(task, task).Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.AppendLine("  " + line);
            sb.AppendLine($"{name} numa_maps (per sub-range, Lee's fix):");
            foreach (var line in _kernel.NumaMaps(task, task, NumaMapsStyle.SubRanges).Split('\n', StringSplitOptions.RemoveEmptyEntries)) sb.AppendLine("  " + line);
        }
        output.Write(sb.ToString());
        output.WriteLine();
    }
}
