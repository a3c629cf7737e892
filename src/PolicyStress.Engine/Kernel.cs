using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine;

/// <summary>
/// One simulated kernel: the machine's topology, the policy allocator and auditor, the SysV shm ids, the
/// static policies, and every task. Its public methods are the syscalls (and the page fault) a task
/// makes; each takes the calling task first, as "current", and returns the kernel's errno as a negative
/// value. The kernel creates no threads, reads no clocks and touches no files: it is driven by the
/// harness's threads, and is safe to call from many at once under the same locking rules as Linux.
/// </summary>
/// <remarks>
/// The model of mm/mempolicy.c in one paragraph: a page fault looks up the vma under the mm's mmap lock
/// (read), asks the vma for its policy (shmem: the inode's shared policy tree at the page offset, which
/// takes a reference; others: vma policy), falls back to the task policy and then the per-node static
/// policy, picks a node (mode, interleave index, zonelist order), accounts the page and drops the
/// lookup reference. mbind changes vma policies and shared trees under the mmap lock (write);
/// set_mempolicy changes the task policy under task_lock. Where the 2007 kernel differs, the code
/// branches on <see cref="Era2007"/> and on the bug switches, and says which commit changed it.
/// </remarks>
public sealed partial class Kernel
{
    private readonly Lock _tasksLock = new();
    private TaskStruct[] _tasks = [];
    private int _nextPid = 1, _nextMm = 1;
    private long _nextIno = 1;
    private readonly EpochReclaimer? _reclaimer;
    private readonly HazardReclaimer? _hazards;
    private readonly bool _refcache;

    /// <summary>
    /// sizeof(struct mempolicy) on x86-64 with NODES_SHIFT = 10 (distribution kernels: 1024 nodes, so each
    /// nodemask_t is 128 bytes): refcnt, mode, flags, home_node, nodes and the w union, 264 bytes, from the
    /// 272-byte slab of policy_cache. What a policy waiting to be freed holds (plus percpu-ref's counters).
    /// </summary>
    public const int MempolicyBytes = 272;

    public Kernel(NumaTopology topology, KernelConfig? config = null)
    {
        Topology = topology;
        Config = config ?? KernelConfig.Default;
        var scheme = Config.Definition;
        Era2007 = scheme.ObjectModel2007;
        TakesLookupRefs = scheme.FaultRef != FaultRef.None;
        RefsAreSharedAtomics = scheme.FaultRef is FaultRef.Atomic or FaultRef.Rcuref;
        _refcache = scheme.FaultRef == FaultRef.Refcache;
        _kernelCosts = Config.FaultCost == FaultCostKind.Kernel;
        _privateWorkIterations = Math.Max(0, Config.PrivateWorkIterations);
        Pages = new PageAllocator(topology);
        Auditor = new Auditor(Config.ClockNs)
        {
            BytesPerPolicy = MempolicyBytes + (scheme.FaultRef == FaultRef.PerCpu ? PercpuRef.KernelBytesPerPolicy(topology.CpuCount) : 0),
        };
        Policies = new PolicyCache { Auditor = Auditor, RefKind = scheme.FaultRef, Cpus = topology.CpuCount };
        DefaultPolicy = new Mempolicy
        {
            IsStatic = true,
            Mode = Era2007 ? MempolicyMode.Default : MempolicyMode.Local,
            Refcnt = 1,
        };
        PreferredNodePolicy = new Mempolicy[topology.NodeCount];
        for (int n = 0; n < topology.NodeCount; n++)
            PreferredNodePolicy[n] = new Mempolicy
            {
                IsStatic = true,
                Mode = MempolicyMode.Preferred,
                Flags = MpolFlags.Mof | MpolFlags.Moron,
                Nodes = NodeMask.Of(n),
                Refcnt = 1,
            };
        // Frees that must wait for readers who hold no reference: lock-free tree readers (snapshot) and the
        // schemes whose faults take none (SchemeDefinition.GracePeriods). Plain vma-held keeps its immediate
        // free, so Figure 3's flaw stays observable.
        if (scheme.Frees == FreeRule.HazardScan)
        {
            _hazards = new HazardReclaimer(this);
            Policies.DeferFree = _hazards.Retire;
        }
        else if (scheme.DefersFrees(Config.EffectiveSpLock))
        {
            _reclaimer = new EpochReclaimer(this, scheme.Frees);
            Policies.DeferFree = _reclaimer.Retire;
        }
    }

    public NumaTopology Topology { get; }
    public KernelConfig Config { get; }
    public PolicyCache Policies { get; }
    public Auditor Auditor { get; }
    internal PageAllocator Pages { get; }
    internal bool Era2007 { get; }
    internal bool UsesGracePeriods => _reclaimer is not null;
    internal bool UsesHazardScans => _hazards is not null;

    /// <summary>default_policy: local allocation (MPOL_DEFAULT in 2007). Static, never freed.</summary>
    public Mempolicy DefaultPolicy { get; }
    /// <summary>preferred_node_policy[]: what a task without a policy allocates with (modern kernels).</summary>
    public Mempolicy[] PreferredNodePolicy { get; }

    /// <summary>fork+exec of a new process on <paramref name="cpu"/>: a new mm and no task policy.</summary>
    public TaskStruct CreateProcess(int cpu = 0) => AddTask(new Mm(Interlocked.Increment(ref _nextMm) - 1, Config.EffectiveMmapLock), cpu);

    /// <summary>clone(CLONE_VM): a new task sharing <paramref name="parent"/>'s mm and its mmap lock.</summary>
    public TaskStruct CreateThread(TaskStruct parent, int cpu) => AddTask(parent.Mm, cpu);

    private TaskStruct AddTask(Mm mm, int cpu)
    {
        if ((uint)cpu >= (uint)Topology.CpuCount)
            throw new ArgumentOutOfRangeException(nameof(cpu), $"CPU {cpu} is not in the topology (0..{Topology.CpuCount - 1})");
        var t = new TaskStruct(Interlocked.Increment(ref _nextPid) - 1, mm, cpu, Topology.CpuToNode[cpu], Topology.MemoryNodes);
        if (_refcache) t.Refcache = Refcache.NewCache();
        t.Stats.QuiescentEpoch = _reclaimer?.Epoch ?? 0;
        if (_kernelCosts) t.PageBuffer = new byte[PageSize + 2 * CacheLine.Size];   // clear_page's target, padded off its neighbours
        Interlocked.Increment(ref mm.Users);
        lock (_tasksLock) Volatile.Write(ref _tasks, [.. _tasks, t]);
        return t;
    }

    internal TaskStruct[] LiveTasks() => Volatile.Read(ref _tasks);   // acquire: a copy-on-write array, published with release

    /// <summary>
    /// do_exit(): drop the task policy; the last task of an mm tears the address space down (exit_mmap),
    /// which detaches its SysV segments and drops its vma policies.
    /// </summary>
    public void Exit(TaskStruct task)
    {
        if (task.Exited) return;
        task.Exited = true;
        Mempolicy? old;
        lock (task.TaskLock)
        {
            old = task.Policy;
            task.Policy = null;
        }
        Policies.Put(old);
        if (Interlocked.Decrement(ref task.Mm.Users) == 0)
        {
            task.Mm.MmapLock.EnterWriteLock();
            try { UnmapRange(task.Mm, 0, ulong.MaxValue); }
            finally { task.Mm.MmapLock.ExitWriteLock(); }
        }
        lock (_tasksLock) Volatile.Write(ref _tasks, Array.FindAll(_tasks, x => x != task));
        Reclaim();
    }

    /// <summary>
    /// The task is about to stop calling into the kernel for a while (rcu_thread_offline): grace periods
    /// no longer wait for it. <see cref="TaskOnline"/> before its next call.
    /// </summary>
    public void TaskOffline(TaskStruct task)
    {
        if (_refcache) Refcache.Flush(task, Policies);   // an offline core has no deltas left to flush
        Volatile.Write(ref task.Stats.QuiescentEpoch, long.MaxValue);
        Reclaim();
    }

    public void TaskOnline(TaskStruct task)
    {
        // Full fence: the online stamp must be visible before this task reads any shared tree.
        Interlocked.Exchange(ref task.Stats.QuiescentEpoch, _reclaimer?.Epoch ?? 0);
    }

    /// <summary>A quiescent point of <paramref name="task"/>: it holds no unreferenced policy pointer now.</summary>
    internal void Quiescent(TaskStruct task)
    {
        if (_reclaimer is { } r)
        {
            long e = r.Epoch;
            // Refcache: the first quiescent point of a new epoch flushes the task's deltas, then says so.
            if (_refcache && task.Stats.QuiescentEpoch != e) Refcache.Flush(task, Policies);
            Volatile.Write(ref task.Stats.QuiescentEpoch, e);
        }
    }

    /// <summary>Free whatever waits for a grace period that has now elapsed (writers call this).</summary>
    public void Reclaim()
    {
        _reclaimer?.Reclaim();
        _hazards?.Reclaim();
    }

    /// <summary>Policies waiting for a grace period (epoch schemes and snapshot trees).</summary>
    public int PendingFrees => (_reclaimer?.PendingCount ?? 0) + (_hazards?.PendingCount ?? 0);

    internal long NextIno() => Interlocked.Increment(ref _nextIno);

    /// <summary>get_task_policy(): the task's policy, else the static per-node policy, else default_policy.</summary>
    internal Mempolicy TaskPolicy(TaskStruct task)
    {
        var pol = task.Policy;
        if (pol is not null) return pol;
        return Era2007 ? DefaultPolicy : PreferredNodePolicy[task.LocalNode];
    }
}
