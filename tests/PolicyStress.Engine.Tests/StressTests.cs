using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Topology;
using Xunit.Abstractions;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Multi-threaded runs of a fixed number of faults: every safe scheme shows no finding over a million
/// faults with a writer replacing sub-range policies beside the faulters; the unsafe ones, and each 2007
/// bug switched on, are caught by the auditor within <see cref="FindingBudget"/> faults.
/// </summary>
public class StressTests(ITestOutputHelper output)
{
    private const ulong Page = Kernel.PageSize;
    private const ulong SegmentPages = 256;
    /// <summary>The most faults a run that must show a finding may take before it fails.</summary>
    private const long FindingBudget = 50_000_000;

    /// <summary>pft with churn: two faulting processes on halves of one segment, one installer mbinding.</summary>
    private static (Kernel, TaskThreads) ReplaceChurn(RefScheme scheme, SpLockKind spLock)
    {
        var kernel = new Kernel(NumaTopology.Uniform(4, 1), new KernelConfig { Scheme = scheme, SpLock = spLock });
        var installer = kernel.CreateProcess(0);
        int id = kernel.Shmget(installer, ShmFlags.IpcPrivate, SegmentPages * Page, ShmFlags.IpcCreat);
        ulong iv = (ulong)kernel.Shmat(installer, id, 0, 0);
        var runner = new TaskThreads(kernel);
        for (int i = 0; i < 2; i++)
        {
            var t = kernel.CreateProcess(1 + i);
            ulong v = (ulong)kernel.Shmat(t, id, 0, 0);
            ulong first = (ulong)i * SegmentPages / 2;
            runner.Faulter(t, task =>
            {
                for (ulong p = first; p < first + SegmentPages / 2; p++)
                    if (kernel.Fault(task, v + p * Page) < 0) throw new InvalidOperationException("fault failed");
                kernel.Madvise(task, v + first * Page, SegmentPages / 2 * Page, Kernel.MadvRemove);
                return (int)(SegmentPages / 2);
            });
        }
        var rng = new Random(42);
        runner.Writer(installer, task =>
        {
            ulong start = (ulong)rng.Next(0, (int)SegmentPages - 1);
            ulong len = (ulong)rng.Next(1, (int)(SegmentPages - start) + 1);
            int mode = rng.Next(4) switch { 0 => 3, 1 => 2, 2 => 1, _ => 0 };
            ulong mask = mode == 0 ? 0 : (ulong)rng.Next(1, 16);
            int r = kernel.Mbind(task, iv + start * Page, len * Page, mode, mode == 0 ? null : [mask], UserNodeMask.OneWordMaxNode, 0);
            if (r != 0) throw new InvalidOperationException($"mbind: {Errno.Name(r)}");
        });
        return (kernel, runner);
    }

    /// <summary>A run that ends at its first finding, or after <see cref="FindingBudget"/> faults without one.</summary>
    private AuditTotals Found(TaskThreads runner)
    {
        var audit = runner.Run(FindingBudget, stopOnFinding: true);
        output.WriteLine($"{runner.Faults} faults: {audit}");
        return audit;
    }

    [Theory]
    [InlineData(RefScheme.Lookup, SpLockKind.RwLock)]
    [InlineData(RefScheme.Lookup, SpLockKind.Rwls)]
    [InlineData(RefScheme.Lookup, SpLockKind.Spin)]
    [InlineData(RefScheme.Lookup, SpLockKind.Sharded)]
    [InlineData(RefScheme.Lookup, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Lookup2007, SpLockKind.Spin)]
    [InlineData(RefScheme.VmaHeldGraveyard, SpLockKind.RwLock)]
    [InlineData(RefScheme.VmaHeldEpoch, SpLockKind.RwLock)]
    [InlineData(RefScheme.VmaHeldEpoch, SpLockKind.Rwls)]
    [InlineData(RefScheme.VmaHeldEpoch, SpLockKind.Snapshot)]
    [InlineData(RefScheme.None, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Rcuref, SpLockKind.RwLock)]
    [InlineData(RefScheme.Rcuref, SpLockKind.Snapshot)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.RwLock)]
    [InlineData(RefScheme.PercpuRef, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Hazptr, SpLockKind.RwLock)]
    [InlineData(RefScheme.Hazptr, SpLockKind.Snapshot)]
    [InlineData(RefScheme.Refcache, SpLockKind.RwLock)]
    [InlineData(RefScheme.Refcache, SpLockKind.Snapshot)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.RwLock)]
    [InlineData(RefScheme.VmaRcu, SpLockKind.Snapshot)]
    public void SafeSchemesShowNoFindingOverAMillionFaults(RefScheme scheme, SpLockKind spLock)
    {
        var (_, runner) = ReplaceChurn(scheme, spLock);
        var audit = runner.Run(1_000_000);
        Assert.True(runner.Faults >= 1_000_000, $"the run stopped after {runner.Faults} faults");
        Assert.True(audit.Findings == 0, audit.ToString());
    }

    [Fact]
    public void VmaHeldUsesFreedPoliciesUnderReplaceChurn()
    {
        var (_, runner) = ReplaceChurn(RefScheme.VmaHeld, SpLockKind.RwLock);
        var audit = Found(runner);
        Assert.True(audit.Uaf > 0, audit.ToString());
    }

    /// <summary>Bug 1: a numa_maps reader takes a reference on another task's policy while that task
    /// replaces it with no lock; with the fix (mmap lock held for write) nothing is found.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UnlockedSetMempolicyIsCaughtAndTheFixIsClean(bool bugOn)
    {
        var kernel = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig
        {
            Scheme = RefScheme.Lookup2007,
            Bugs = bugOn ? Bugs2007.SetMempolicyUnlocked : Bugs2007.None,
        });
        var target = kernel.CreateProcess(0);
        var reader = kernel.CreateProcess(1);
        Assert.True(kernel.Mmap(target, 0, 16 * Page, Kernel.MapPrivate | Kernel.MapAnonymous) > 0);
        var runner = new TaskThreads(kernel);
        int flip = 0;
        runner.Faulter(target, t =>
        {
            int mode = (flip++ & 1) == 0 ? (int)MempolicyMode.Interleave : (int)MempolicyMode.Bind;
            Assert.Equal(0, kernel.SetMempolicy(t, mode, [3], UserNodeMask.OneWordMaxNode));
            return 1;
        });
        runner.Writer(reader, t => kernel.NumaMaps(t, target));
        var audit = bugOn ? Found(runner) : runner.Run(300_000);
        if (bugOn) Assert.True(audit.Findings > 0, audit.ToString());
        else Assert.True(audit.Findings == 0, audit.ToString());
    }

    /// <summary>Bug 2a: every interleaved shmem fault leaks the lookup's reference.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void InterleaveLeakIsCaughtAndTheFixIsClean(bool bugOn)
    {
        var kernel = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig
        {
            Scheme = RefScheme.Lookup2007,
            Bugs = bugOn ? Bugs2007.InterleaveLeak : Bugs2007.None,
        });
        var t0 = kernel.CreateProcess(0);
        int id = kernel.Shmget(t0, ShmFlags.IpcPrivate, 64 * Page, ShmFlags.IpcCreat);
        ulong v0 = (ulong)kernel.Shmat(t0, id, 0, 0);
        Assert.Equal(0, kernel.Mbind(t0, v0, 64 * Page, (int)MempolicyMode.Interleave, [3], UserNodeMask.OneWordMaxNode, 0));
        var runner = new TaskThreads(kernel);
        foreach (var cpu in new[] { 0, 1 })
        {
            var t = kernel.CreateProcess(cpu);
            ulong v = (ulong)kernel.Shmat(t, id, 0, 0);
            ulong first = (ulong)cpu * 32;
            runner.Faulter(t, task =>
            {
                for (ulong p = first; p < first + 32; p++) kernel.Fault(task, v + p * Page);
                kernel.Madvise(task, v + first * Page, 32 * Page, Kernel.MadvRemove);
                return 32;
            });
        }
        kernel.TaskOffline(t0);
        var audit = runner.Run(100_000);
        if (bugOn) Assert.True(audit.RefMismatch > 0, audit.ToString());
        else Assert.True(audit.Findings == 0, audit.ToString());
    }

    /// <summary>Bugs 2b and 3: SHM_HUGETLB faults under an interleave task policy (2b drops the task's own
    /// reference) and under a vma policy (3 drops a reference shm_get_policy never took).</summary>
    [Theory]
    [InlineData(Bugs2007.HugeInterleavePut, false, true)]
    [InlineData(Bugs2007.None, false, false)]
    [InlineData(Bugs2007.ShmHugetlbNoref, true, true)]
    [InlineData(Bugs2007.None, true, false)]
    public void HugetlbReferenceBugsAreCaughtAndTheFixesAreClean(Bugs2007 bugs, bool vmaPolicy, bool expectFinding)
    {
        var kernel = new Kernel(NumaTopology.Uniform(2, 1), new KernelConfig { Scheme = RefScheme.Lookup2007, Bugs = bugs });
        var t0 = kernel.CreateProcess(0);
        const ulong huge = ShmFlags.HugePageSize;
        int id = kernel.Shmget(t0, ShmFlags.IpcPrivate, 8 * huge, ShmFlags.IpcCreat | ShmFlags.ShmHugetlb);
        Assert.True(id >= 0);
        var runner = new TaskThreads(kernel);
        foreach (var cpu in new[] { 0, 1 })
        {
            var t = kernel.CreateProcess(cpu);
            ulong v = (ulong)kernel.Shmat(t, id, 0, 0);
            if (vmaPolicy) Assert.Equal(0, kernel.Mbind(t, v, 8 * huge, (int)MempolicyMode.Bind, [3], UserNodeMask.OneWordMaxNode, 0));
            else Assert.Equal(0, kernel.SetMempolicy(t, (int)MempolicyMode.Interleave, [3], UserNodeMask.OneWordMaxNode));
            ulong first = (ulong)cpu * 4;
            runner.Faulter(t, task =>
            {
                for (ulong p = first; p < first + 4; p++) kernel.Fault(task, v + p * huge);
                kernel.Madvise(task, v + first * huge, 4 * huge, Kernel.MadvRemove);
                return 4;
            });
        }
        kernel.TaskOffline(t0);
        var audit = expectFinding ? Found(runner) : runner.Run(50_000);
        if (expectFinding) Assert.True(audit.Findings > 0, audit.ToString());
        else Assert.True(audit.Findings == 0, audit.ToString());
    }
}
