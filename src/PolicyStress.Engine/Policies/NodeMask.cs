using System.Numerics;
using System.Text;

namespace PolicyStress.Engine.Policies;

/// <summary>
/// nodemask_t for the nodes a policy can actually use. The engine models machines of up to
/// <see cref="MaxNodes"/> nodes, so an effective mask is one 64-bit word: every mask operation on the fault
/// path is a single instruction. Masks supplied by user space are wider (MAX_NUMNODES bits, see
/// <see cref="UserNodeMask"/>) and are reduced to this form once they are intersected with a task's
/// mems_allowed, exactly where the kernel does that intersection.
/// </summary>
public readonly record struct NodeMask(ulong Bits)
{
    /// <summary>The largest machine the engine models (nodes 0..63).</summary>
    public const int MaxNodes = 64;

    public static NodeMask Empty => default;
    public static NodeMask Of(params int[] nodes)
    {
        ulong b = 0;
        foreach (var n in nodes) b |= 1UL << n;
        return new NodeMask(b);
    }
    public static NodeMask FirstN(int n) => new(n >= 64 ? ulong.MaxValue : (1UL << n) - 1);

    public bool IsEmpty => Bits == 0;
    public int Weight => BitOperations.PopCount(Bits);
    /// <summary>first_node(): the lowest set node, or <see cref="MaxNodes"/> when empty.</summary>
    public int First => Bits == 0 ? MaxNodes : BitOperations.TrailingZeroCount(Bits);
    public bool Contains(int node) => (uint)node < MaxNodes && (Bits & (1UL << node)) != 0;
    public NodeMask With(int node) => new(Bits | (1UL << node));
    public NodeMask And(NodeMask o) => new(Bits & o.Bits);
    public NodeMask Or(NodeMask o) => new(Bits | o.Bits);

    /// <summary>next_node(n): the lowest set node above <paramref name="n"/>, or <see cref="MaxNodes"/>.</summary>
    public int Next(int n)
    {
        if (n >= MaxNodes - 1) return MaxNodes;
        ulong rest = n < 0 ? Bits : Bits & (ulong.MaxValue << (n + 1));
        return rest == 0 ? MaxNodes : BitOperations.TrailingZeroCount(rest);
    }

    /// <summary>next_node_in(n): like <see cref="Next"/> but wraps to the first node; MaxNodes if empty.</summary>
    public int NextIn(int n)
    {
        int next = Next(n);
        return next == MaxNodes ? First : next;
    }

    /// <summary>The <paramref name="k"/>-th set node, counting from 0 (the interleave walk of offset_il_node).</summary>
    public int Nth(int k)
    {
        ulong b = Bits;
        for (int i = 0; i < k; i++) b &= b - 1; // clear the lowest set bit k times
        return BitOperations.TrailingZeroCount(b);
    }

    /// <summary>
    /// nodes_remap(): a node that is the i-th set bit of <paramref name="from"/> maps to the
    /// (i mod weight(to))-th set bit of <paramref name="to"/>; nodes not in <paramref name="from"/> stay.
    /// </summary>
    public NodeMask Remap(NodeMask from, NodeMask to)
    {
        if (from.IsEmpty || to.IsEmpty) return this;
        ulong r = 0;
        for (ulong b = Bits; b != 0; b &= b - 1)
        {
            int n = BitOperations.TrailingZeroCount(b);
            if (from.Contains(n))
                r |= 1UL << to.Nth(BitOperations.PopCount(from.Bits & ((1UL << n) - 1)) % to.Weight);
            else
                r |= 1UL << n;
        }
        return new NodeMask(r);
    }

    /// <summary>nodes_onto(): the i-th bit of <paramref name="rel"/> is set when bit i of this mask is.</summary>
    public NodeMask Onto(NodeMask rel)
    {
        if (rel.IsEmpty) return this;
        ulong r = 0;
        int i = 0;
        for (ulong b = rel.Bits; b != 0; b &= b - 1, i++)
            if (Contains(i)) r |= 1UL << BitOperations.TrailingZeroCount(b);
        return new NodeMask(r);
    }

    /// <summary>The kernel's "%*pbl" list format: <c>0-3,5</c>; empty for an empty mask.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        int n = Next(-1);
        while (n < MaxNodes)
        {
            int end = n;
            while (end + 1 < MaxNodes && Contains(end + 1)) end++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(n);
            if (end > n) sb.Append('-').Append(end);
            n = Next(end);
        }
        return sb.ToString();
    }
}
