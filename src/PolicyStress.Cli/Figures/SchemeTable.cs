using PolicyStress.Engine;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Cli.Figures;

/// <summary>
/// The seed's figures side by side for every scheme: the tree policies' counts after task1's two mbinds
/// (Figure 1), after task2 attaches (Figure 3 for the vma-held schemes), and what a replace of [2,24) by
/// task2 does to them — which policies are freed at once, wait, or are parked.
/// </summary>
internal static class SchemeTable
{
    private const ulong Page = Kernel.PageSize;

    public static void Print(TextWriter o)
    {
        o.WriteLine("# Reference counts of the tree policies, per scheme (32-page segment, sub-ranges [4,12) and [20,28))");
        o.WriteLine();
        o.WriteLine($"{"scheme",-19} {"task1 mbinds",-20} {"task2 attaches",-20} {"task2 mbinds [2,24)",-20} {"[4,12)'s policy",-36} audit after exit");
        foreach (var scheme in SchemeRegistry.All)
        {
            var k = new Kernel(NumaTopology.Uniform(4, 1), new KernelConfig { Scheme = scheme.Kind });
            var t1 = k.CreateProcess(0);
            var t2 = k.CreateProcess(1);
            int id = k.Shmget(t1, ShmFlags.IpcPrivate, 32 * Page, ShmFlags.IpcCreat);
            ulong v1 = (ulong)k.Shmat(t1, id, 0, 0);
            k.Mbind(t1, v1 + 4 * Page, 8 * Page, (int)MempolicyMode.Interleave, [3], UserNodeMask.OneWordMaxNode, 0);
            k.Mbind(t1, v1 + 20 * Page, 8 * Page, (int)MempolicyMode.Bind, [8], UserNodeMask.OneWordMaxNode, 0);
            var sp = k.Segment(id)!.Object.Policy!;
            string fig1 = Counts(sp);
            ulong v2 = (ulong)k.Shmat(t2, id, 0, 0);
            string fig3 = Counts(sp);
            // Cover [4,12) entirely so that a policy leaves the tree (a trim alone would hide the difference).
            var removed = sp.Nodes()[0].Policy;
            k.Mbind(t2, v2 + 2 * Page, 22 * Page, (int)MempolicyMode.Preferred, [4], UserNodeMask.OneWordMaxNode, 0);
            string after = Counts(sp);
            string fate = removed.IsFreed ? "freed at once"
                : removed.RefCount == 0 || removed.IsDeadMarked ? scheme.WaitText
                : $"{scheme.HeldText} (refcnt {removed.RefCount})";
            k.Shmdt(t1, v1);
            k.Shmdt(t2, v2);
            k.ShmctlRmid(t1, id);
            k.Exit(t1);
            k.Exit(t2);
            var audit = k.Audit();
            o.WriteLine($"{scheme.Name,-19} {fig1,-20} {fig3,-20} {after,-20} {fate,-36} findings={audit.Findings} freed={audit.Freed}");
        }
        o.WriteLine();
        o.WriteLine("lookup: Figure 1, each tree policy at 1 when idle; vma-held: Figure 3, 1 + one per attached vma (3 with two).");
        o.WriteLine("lookup-2007: the tree node and task1's vma share one object (2.6.23 policy_vma/sp_alloc), hence 2.");
        o.WriteLine("vma-held-2007: Figure 3 literally on 2.6.23 objects; each detach drops a reference on whatever is in the tree");
        o.WriteLine("then, so [2,24) (inserted after both attached) goes below its owners and [4,12)'s attach references leak.");
        o.WriteLine("vma-rcu, rcuref, percpu-ref, hazptr, refcache: Figure 1's counts; a fault's protection lives elsewhere (the");
        o.WriteLine("shared count briefly, a CPU's slot, the task's hazard slot, its delta cache, or a grace period alone).");
    }

    private static string Counts(Engine.SharedPolicies.SharedPolicy sp) =>
        string.Join(" ", sp.Nodes().Select(n => $"[{n.Start},{n.End})={n.RefCount}"));
}
