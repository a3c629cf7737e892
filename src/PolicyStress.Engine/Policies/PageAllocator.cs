using System.Runtime.InteropServices;
using PolicyStress.Engine.Topology;

namespace PolicyStress.Engine.Policies;

/// <summary>
/// The buddy allocator reduced to what placement needs: per-node page counts against an optional
/// capacity. With unlimited capacity (the default) nothing is counted and allocation is a zonelist
/// lookup; with a finite capacity each node's count lives in its own padded slot (<see cref="CacheLine"/>)
/// so that tasks allocating on different nodes never share a line.
/// </summary>
internal sealed class PageAllocator
{
    [StructLayout(LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
    private struct PaddedCount
    {
        [FieldOffset(CacheLine.Size)] public long Value;
    }

    private readonly PaddedCount[] _used;
    private readonly bool _limited;

    public NumaTopology Topology { get; }

    public PageAllocator(NumaTopology topology)
    {
        Topology = topology;
        _used = new PaddedCount[topology.NodeCount];
        _limited = topology.HasLimitedCapacity;
    }

    /// <summary>
    /// Allocate on the first node of <paramref name="start"/>'s zonelist that is in <paramref name="allowed"/>
    /// (the policy's nodemask, if any, and the cpuset's mems: see <see cref="NodeSelector.Allocate"/>).
    /// </summary>
    public int AllocFrom(int start, NodeMask allowed)
    {
        if ((uint)start >= (uint)Topology.NodeCount) start = 0;
        foreach (int n in Topology.Zonelists[start])
            if (allowed.Contains(n) && TryTake(n)) return n;
        return -Errno.ENOMEM;
    }

    /// <summary>2.6.23 MPOL_BIND: the custom zonelist tried nodes in numeric order.</summary>
    public int AllocNumericOrder(NodeMask allowed)
    {
        for (int n = allowed.First; n < NodeMask.MaxNodes; n = allowed.Next(n))
            if (Topology.MemoryNodes.Contains(n) && n < Topology.NodeCount && TryTake(n)) return n;
        return -Errno.ENOMEM;
    }

    private bool TryTake(int node)
    {
        if (!_limited) return true;
        long cap = Topology.CapacityPages[node];
        // Reserve optimistically; back out if the node was full. Interlocked: a full fence per page on a
        // per-node line, paid only when a test or run asked for finite memory.
        if (Interlocked.Increment(ref _used[node].Value) <= cap) return true;
        Interlocked.Decrement(ref _used[node].Value);
        return false;
    }

    public void Release(int node)
    {
        if (_limited) Interlocked.Decrement(ref _used[node].Value);
    }
}
