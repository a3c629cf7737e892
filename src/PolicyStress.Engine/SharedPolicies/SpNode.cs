using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.SharedPolicies;

/// <summary>struct sp_node: one range [Start, End) of page offsets of a shmem object and its policy.
/// Fields are read and written only under the tree's lock; each node owns one reference on its policy.</summary>
public sealed class SpNode(ulong start, ulong end, Mempolicy policy)
{
    public ulong Start { get; internal set; } = start;
    public ulong End { get; internal set; } = end;
    public Mempolicy Policy { get; internal set; } = policy;

    public override string ToString() => $"[{Start},{End}) {Policy}";
}

/// <summary>An immutable copy of one tree range, as lock-free readers and numa_maps see it.</summary>
public readonly record struct SpRange(ulong Start, ulong End, Mempolicy Policy);
