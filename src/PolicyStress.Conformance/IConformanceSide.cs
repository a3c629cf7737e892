using PolicyStress.Linux;

namespace PolicyStress.Conformance;

/// <summary>
/// One side of the comparison, the running kernel or the engine: how an operation and the calls that
/// observe its effect reach that kernel. What is observed, and in which order, is decided once for both
/// sides by <see cref="FactBuilder"/>.
/// </summary>
internal interface IConformanceSide : IDisposable
{
    /// <summary>The reservation every view and anonymous mapping lives in (the kernel's address, on both sides).</summary>
    ulong Reservation { get; }

    /// <summary>Applies <paramref name="op"/>; the result is the return value and errno (and what get_mempolicy wrote) as text.</summary>
    string Apply(ConfOp op, ConformanceState state);

    /// <summary>get_mempolicy(2) as the process's first task, which owns the views.</summary>
    long GetMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags);

    /// <summary>get_mempolicy(2) as the policy thread, the task set_mempolicy changes.</summary>
    long GetThreadMempolicy(out int mode, ulong[]? mask, ulong maxnode, ulong addr, uint flags);

    /// <summary>The process's numa_maps, parsed.</summary>
    IReadOnlyList<NumaMapsLine> NumaMaps();

    /// <summary>
    /// The inode number of the object mapped at <paramref name="addr"/> (i_ino, which biases shmem interleave):
    /// 0 for anonymous memory, -1 where nothing is mapped. The kernel's comes from /proc/self/maps.
    /// </summary>
    long InodeAt(ulong addr);
}
