using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Tests;

/// <summary>nodemask_t operations and get_nodes()/copy_nodes_to_user() of user masks.</summary>
public class NodeMaskTests
{
    [Fact]
    public void NodeMaskIteratesCountsAndFormatsItsBits()
    {
        var m = NodeMask.Of(1, 3, 4, 5, 9);
        Assert.Equal(5, m.Weight);
        Assert.Equal(1, m.First);
        Assert.Equal(3, m.Next(1));
        Assert.Equal(NodeMask.MaxNodes, m.Next(9));
        Assert.Equal(1, m.NextIn(9));
        Assert.Equal(1, m.NextIn(1023));   // il_prev starts at MAX_NUMNODES - 1
        Assert.Equal(9, m.Nth(4));
        Assert.Equal(4, m.Nth(2));
        Assert.Equal("1,3-5,9", m.ToString());
        Assert.Equal("", NodeMask.Empty.ToString());
        Assert.Equal(NodeMask.MaxNodes, NodeMask.Empty.First);
        Assert.Equal(NodeMask.MaxNodes, NodeMask.Empty.NextIn(0));
        Assert.Equal("0-63", NodeMask.FirstN(64).ToString());
        Assert.False(m.Contains(64));
        Assert.False(m.Contains(-1));
    }

    [Fact]
    public void RemapAndOntoMapNodesByRank()
    {
        // nodes_remap({1,3}, from {0-3}, to {4,5}): 1 → 1st of to, 3 → 3 mod 2 = 1st → {5}
        Assert.Equal(NodeMask.Of(5), NodeMask.Of(1, 3).Remap(NodeMask.FirstN(4), NodeMask.Of(4, 5)));
        Assert.Equal(NodeMask.Of(4, 5), NodeMask.Of(0, 1).Remap(NodeMask.FirstN(4), NodeMask.Of(4, 5)));
        Assert.Equal(NodeMask.Of(7), NodeMask.Of(7).Remap(NodeMask.FirstN(4), NodeMask.Of(4, 5)));   // not in from: stays
        // nodes_onto({0,2}, {1,3,6}) = bit i set when the i-th node of rel is: 1 and 6
        Assert.Equal(NodeMask.Of(1, 6), NodeMask.Of(0, 2).Onto(NodeMask.Of(1, 3, 6)));
    }

    [Fact]
    public void GetNodesCopiesMaxnodeMinusOneBits()
    {
        ulong[] all = [ulong.MaxValue];
        Assert.Equal(0, UserNodeMask.TryParse(all, 1, out var m));
        Assert.True(m.IsEmpty);                                   // maxnode 1: no bits at all
        Assert.Equal(0, UserNodeMask.TryParse(all, 4, out m));
        Assert.Equal(NodeMask.FirstN(3), m.Low);                  // maxnode 4: nodes 0..2, not 3
        Assert.Equal(0, UserNodeMask.TryParse([1UL << 63], 64, out m));
        Assert.True(m.IsEmpty);                                   // bit 63 needs maxnode 65
        Assert.Equal(0, UserNodeMask.TryParse([1UL << 63], 65, out m));
        Assert.True(m.IsSet(63));
        Assert.Equal(0, UserNodeMask.TryParse(null, 1000, out m));   // NULL pointer: empty mask
        Assert.True(m.IsEmpty);
        Assert.Equal(-Errno.EINVAL, UserNodeMask.TryParse(all, 0, out _));   // --maxnode wraps
    }

    [Fact]
    public void ShortArrayIsEfault()
    {
        Assert.Equal(-Errno.EFAULT, UserNodeMask.TryParse([1UL], 66, out _));        // needs two words
        Assert.Equal(-Errno.EFAULT, UserNodeMask.TryParse([], 2, out _));
        Assert.Equal(0, UserNodeMask.TryParse([1UL, 0], 66, out _));
    }

    [Fact]
    public void BitsPastMaxNumnodesAreEinval()
    {
        var words = new ulong[32];                                  // 2048 bits
        words[0] = 1;
        Assert.Equal(0, UserNodeMask.TryParse(words, 2049, out var m));   // zeros past 1024 are fine
        Assert.True(m.IsSet(0));
        words[16] = 1;                                              // node 1024
        Assert.Equal(-Errno.EINVAL, UserNodeMask.TryParse(words, 2049, out _));
        Assert.Equal(0, UserNodeMask.TryParse(words, 1025, out _));      // ...unless maxnode stops before it
        words[16] = 0;
        words[15] = 1UL << 63;                                      // node 1023 is the last valid one
        Assert.Equal(0, UserNodeMask.TryParse(words, 2049, out m));
        Assert.True(m.IsSet(1023));
        // past MAX_NUMNODES get_nodes() checks whole words: a bit above maxnode in the top word still counts
        words[15] = 0;
        words[16] = 1UL << 40;                                      // node 1064, beyond maxnode 1030
        Assert.Equal(-Errno.EINVAL, UserNodeMask.TryParse(words, 1031, out _));
        words[16] = 0;
        words[15] = 1UL << 40;                                      // below MAX_NUMNODES: masked by maxnode
        Assert.Equal(0, UserNodeMask.TryParse(words, 1000, out m));
        Assert.False(m.IsSet(1000));
        // more than a page of bits is EINVAL, whatever the array holds
        Assert.Equal(-Errno.EINVAL, UserNodeMask.TryParse(new ulong[600], Kernel.PageSize * 8 + 2, out _));
    }

    [Fact]
    public void FoldWrapsHighNodes()
    {
        var words = new ulong[16];
        words[1] = 1;                 // node 64
        words[0] = 1UL << 5;          // node 5
        Assert.Equal(0, UserNodeMask.TryParse(words, 1025, out var m));
        Assert.Equal(NodeMask.Of(0, 1), m.Fold(4));   // 64 mod 4 = 0, 5 mod 4 = 1
        Assert.Equal(NodeMask.Empty, m.Fold(0));
    }

    [Fact]
    public void GetMempolicyChecksTheMaskSizeAndClearsTheRest()
    {
        var k = TestKit.FourNodes();
        var t = k.CreateProcess(0);
        Assert.Equal(0, k.SetMempolicy(t, TestKit.Bind, TestKit.Mask(1, 2), TestKit.MaxNode));
        Assert.Equal(-Errno.EINVAL, k.GetMempolicy(t, out _, new ulong[1], 3, 0, 0));   // maxnode < nr_node_ids
        Assert.Equal(-Errno.EFAULT, k.GetMempolicy(t, out _, new ulong[1], 130, 0, 0)); // two words asked, one given
        var two = new ulong[] { 0, ulong.MaxValue };
        Assert.Equal(0, k.GetMempolicy(t, out int mode, two, 129, 0, 0));
        Assert.Equal(TestKit.Bind, mode);
        Assert.Equal([6UL, 0UL], two);                                                   // the rest is cleared
        Assert.Equal(0, k.GetMempolicy(t, out mode, null, 0, 0, 0));
        Assert.Equal(TestKit.Bind, mode);
    }
}
