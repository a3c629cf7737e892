using System.Numerics;

namespace PolicyStress.Engine.Policies;

/// <summary>
/// A node mask as user space passes it to mbind/set_mempolicy: MAX_NUMNODES bits (1024, as on a kernel
/// built with CONFIG_NODES_SHIFT=10, the common x86-64 distribution setting). It is kept whole where the
/// kernel keeps it whole (w.user_nodemask of static/relative policies, reported back by get_mempolicy) and
/// reduced to a <see cref="NodeMask"/> when intersected with the nodes the machine has.
/// </summary>
public sealed class UserNodeMask : IEquatable<UserNodeMask>
{
    public const int MaxNumNodes = 1024;
    /// <summary>The maxnode that passes one 64-bit word of nodes (get_nodes() copies maxnode - 1 bits).</summary>
    public const ulong OneWordMaxNode = 64 + 1;
    /// <summary>The maxnode that passes all <see cref="MaxNumNodes"/> bits.</summary>
    public const ulong FullMaxNode = MaxNumNodes + 1;
    private const int Words = MaxNumNodes / 64;
    private const ulong PageBits = Kernel.PageSize * 8;   // BITS_PER_BYTE
    private readonly ulong[] _words = new ulong[Words];

    public static UserNodeMask FromNodeMask(NodeMask m)
    {
        var u = new UserNodeMask();
        u._words[0] = m.Bits;
        return u;
    }

    public bool IsEmpty => Array.TrueForAll(_words, w => w == 0);
    public bool IsSet(int node) => (uint)node < MaxNumNodes && (_words[node >> 6] & (1UL << (node & 63))) != 0;

    /// <summary>The part of the mask that names nodes the engine can model (0..63).</summary>
    public NodeMask Low => new(_words[0]);

    /// <summary>nodes_subset(this, m): no node outside <paramref name="m"/> (nodes past 63 never are in it).</summary>
    public bool IsSubsetOf(NodeMask m) => (_words[0] & ~m.Bits) == 0 && HighWordsEmpty;

    private bool HighWordsEmpty => _words.AsSpan(1).IndexOfAnyExcept(0UL) < 0;

    /// <summary>nodes_fold(mask, sz): bit n becomes bit n mod sz (the first step of relative mapping).</summary>
    public NodeMask Fold(int sz)
    {
        if (sz <= 0) return NodeMask.Empty;
        ulong r = 0;
        for (int w = 0; w < Words; w++)
            for (ulong b = _words[w]; b != 0; b &= b - 1)
                r |= 1UL << ((w * 64 + BitOperations.TrailingZeroCount(b)) % sz);
        return new NodeMask(r);
    }

    /// <summary>
    /// get_nodes(): copies <paramref name="maxnode"/> - 1 bits from the user's array (the kernel's famous
    /// off-by-one), EINVAL when maxnode exceeds a page of bits or when bits beyond MAX_NUMNODES are set
    /// in any word the user's maxnode reaches (whole words, even past maxnode),
    /// EFAULT when the array is shorter than maxnode says. A NULL array or maxnode 1 yields the empty mask.
    /// </summary>
    public static int TryParse(ulong[]? nmask, ulong maxnode, out UserNodeMask mask)
    {
        mask = new UserNodeMask();
        ulong bits = unchecked(maxnode - 1);   // --maxnode: 0 wraps around and fails the size check below
        if (bits == 0 || nmask is null) return 0;
        if (bits > PageBits) return -Errno.EINVAL;
        ulong words = (bits + 63) / 64;
        if ((ulong)nmask.Length < words) return -Errno.EFAULT;
        for (ulong w = 0; w < words; w++)
        {
            ulong v = nmask[w];
            ulong lo = w * 64;
            if (lo >= MaxNumNodes)
            {
                // The unsupported part must be all zero, and get_nodes() reads it a whole long at a time
                // (get_bitmap of min(maxnode, BITS_PER_LONG) bits): bits past maxnode in the last word
                // count too.
                if (v != 0) return -Errno.EINVAL;
                continue;
            }
            if (bits - lo < 64) v &= (1UL << (int)(bits - lo)) - 1; // within MAX_NUMNODES, bits past maxnode are ignored
            mask._words[w] = v;
        }
        return 0;
    }

    /// <summary>
    /// copy_nodes_to_user(): whole words, ALIGN(maxnode - 1, 64) bits; words past the mask are zeroed.
    /// The caller has checked that the array is long enough.
    /// </summary>
    public void CopyTo(ulong[] dest, ulong maxnode)
    {
        ulong words = Math.Min((ulong)dest.Length, (maxnode - 1 + 63) / 64);
        for (ulong w = 0; w < words; w++) dest[w] = w < Words ? _words[w] : 0;
    }

    public bool Equals(UserNodeMask? other) => other is not null && _words.AsSpan().SequenceEqual(other._words);
    public override bool Equals(object? obj) => Equals(obj as UserNodeMask);
    public override int GetHashCode() => _words[0].GetHashCode();
}
