using System.Runtime.InteropServices;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// struct task_struct, the parts memory policy uses: the task policy, the task-level interleave state
/// (il_prev, il_weight), the cpuset's mems_allowed, the CPU it runs on and its mm. A task is driven by
/// one thread at a time; its hot counters live in <see cref="Stats"/>, on the task's own cache lines.
/// </summary>
public sealed class TaskStruct
{
    internal TaskStruct(int pid, Mm mm, int cpu, int localNode, NodeMask memsAllowed)
    {
        Pid = pid;
        Mm = mm;
        Cpu = cpu;
        LocalNode = localNode;
        MemsAllowed = memsAllowed;
    }

    public int Pid { get; }
    public Mm Mm { get; }
    public int Cpu { get; }
    /// <summary>numa_node_id(): the node of the task's CPU.</summary>
    public int LocalNode { get; }
    /// <summary>cpuset_current_mems_allowed.</summary>
    public NodeMask MemsAllowed { get; internal set; }
    /// <summary>capable(CAP_SYS_NICE), needed for MPOL_MF_MOVE_ALL. Root by default, as the conformance runs.</summary>
    public bool CapSysNice { get; set; } = true;

    /// <summary>task->mempolicy: owns one reference; null = fall back to the system default.</summary>
    public Mempolicy? Policy { get; internal set; }
    /// <summary>il_prev (modern): the last node task-level interleave used. 2007's il_next is il_prev's successor.</summary>
    public int IlPrev { get; internal set; } = UserNodeMask.MaxNumNodes - 1;
    public int IlWeight { get; internal set; }
    /// <summary>task_lock(): protects <see cref="Policy"/> against readers in other tasks (numa_maps).</summary>
    internal Lock TaskLock { get; } = new();
    internal bool Exited;

    /// <summary>do_exit() has run for this task; its policy is gone and it makes no more calls.</summary>
    public bool HasExited => Exited;

    internal TaskCounters Stats;

    /// <summary>hazptr: the policy this task uses without a count, on its own padded line.</summary>
    internal Refcounting.HazardSlot Hazard;

    /// <summary>refcache: the task's delta cache (its core's, the task being pinned); null under other schemes.</summary>
    internal Refcounting.RefcacheSlot[]? Refcache;
    /// <summary>The page clear_page zeroes on each allocating fault (kernel-shaped costs only; else empty).</summary>
    internal byte[] PageBuffer = [];

    /// <summary>The task's own counters; read them when the task's thread is quiescent.</summary>
    public TaskCounters Counters => Stats;
}

/// <summary>
/// Per-task counters, padded (<see cref="CacheLine"/>) so that tasks never share a line: the counters only
/// this task reads until it is quiescent, then the quiescent stamp that reclaimers read while it runs.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * CacheLine.Size)]
public struct TaskCounters
{
    /// <summary>Faults that allocated a page (consulted a policy).</summary>
    [FieldOffset(CacheLine.Size)] public long Allocations;
    /// <summary>Faults that found the page present.</summary>
    [FieldOffset(CacheLine.Size + 8)] public long MinorFaults;
    /// <summary>Interlocked operations on policy reference counts done by this task's faults.</summary>
    [FieldOffset(CacheLine.Size + 16)] public long RefAtomics;
    /// <summary>Faults that found no vma they could read-lock (per-VMA locks) and took the mmap lock instead.</summary>
    [FieldOffset(CacheLine.Size + 24)] public long VmaLockFallbacks;
    /// <summary>The last value of the kernel-shaped costs' private work (kept so that the work is not optimised away).</summary>
    [FieldOffset(CacheLine.Size + 32)] public long PrivateWorkSink;
    /// <summary>Quiescent-state stamp for grace periods: the epoch this task last passed a quiescent point in.</summary>
    [FieldOffset(2 * CacheLine.Size)] public long QuiescentEpoch;
}
