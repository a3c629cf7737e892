using PolicyStress.Engine;
using PolicyStress.Harness.Running;
using static PolicyStress.Harness.Workloads.EngineCalls;

namespace PolicyStress.Harness.Workloads;

/// <summary>
/// pft plus one writer of each kind, each its own process on its own thread: the installer replaces
/// sub-range policies under the faulters (the Figure 3 race; bug 2a's interleave leak on lookup-2007),
/// attach/detach churn (vma references, graveyard), set_mempolicy churn read by numa_maps (bug 1), and
/// SHM_HUGETLB faults under an interleave task policy (bug 2b) and under a vma policy (bug 3).
/// </summary>
public sealed class ChurnWorkload : PftWorkload
{
    /// <summary>How many anonymous vmas the set_mempolicy task has for the numa_maps reader to walk.</summary>
    private const int SetMempolicyVmas = 128;

    public override void Setup(Kernel kernel, RunConfig config, int[] cpus)
    {
        base.Setup(kernel, config, cpus);
        int Cpu(int i) => cpus[i % cpus.Length];

        var installer = kernel.CreateProcess(Cpu(0));
        Writers.Add(new MbindInstaller(kernel, installer, Attach(kernel, installer, SegmentId), SegmentPages, config.MbindRate));
        Writers.Add(new AttachChurn(kernel, kernel.CreateProcess(Cpu(1)), SegmentId, rate: 500));
        var setpol = kernel.CreateProcess(Cpu(0));
        Attach(kernel, setpol, SegmentId);   // a shm vma, so numa_maps walks a shared policy on its behalf too
        // Anonymous vmas without a policy of their own: for each, a 2007 numa_maps reader takes a reference on
        // this task's policy (get_vma_policy of another task) — the path bug 1 races with set_mempolicy. Many
        // of them, so that every read of this task offers the race many times (~100 ns of reading each).
        for (int i = 0; i < SetMempolicyVmas; i++)
            if (kernel.Mmap(setpol, 0, 4 * Page, Kernel.MapPrivate | Kernel.MapAnonymous) < 0)
                throw new InvalidOperationException("churn: mmap for the set_mempolicy task failed");
        Writers.Add(new SetMempolicyChurn(kernel, setpol, rate: 2000));
        var readTargets = Targets.Select(t => t.Task).Prepend(setpol).ToArray();
        Writers.Add(new NumaMapsReader(kernel, kernel.CreateProcess(Cpu(1)), readTargets, rate: 500));
        Writers.Add(new HugeTlbFaulter(kernel, kernel.CreateProcess(Cpu(0)), rate: 500));
    }
}
