using System.Runtime.CompilerServices;
using PolicyStress.Engine.AddressSpaces;

namespace PolicyStress.Engine.Tests;

/// <summary>
/// Issue 8 item 4: the page words of neighbouring tasks' slices must not share a cache line unless the
/// kernel's would (the same xa_node, the same 64-page run of ptes).
/// </summary>
public class PageSlotsTests
{
    private static long Distance<T>(PageSlots<T> s, ulong a, ulong b) where T : unmanaged =>
        (long)Unsafe.ByteOffset(ref s[a], ref s[b]);

    [Fact]
    public void BlocksOfSixtyFourPagesLieALineApartAndPagesInABlockAreContiguous()
    {
        var ints = new PageSlots<int>(512, -1);
        var bytes = new PageSlots<byte>(512, 0);
        for (ulong edge = 64; edge < 512; edge += 64)
        {
            // The last word of one block and the first of the next: at least one padding line apart.
            Assert.True(Distance(ints, edge - 1, edge) > CacheLine.Size, $"int block edge {edge}");
            Assert.True(Distance(bytes, edge - 1, edge) > CacheLine.Size, $"byte block edge {edge}");
        }
        Assert.Equal(63 * sizeof(int), Distance(ints, 64, 127));
        Assert.Equal(63, Distance(bytes, 128, 191));
    }

    [Fact]
    public void EveryWordStartsAtItsInitialValueAndTheEndIsChecked()
    {
        var s = new PageSlots<int>(100, -1);
        for (ulong i = 0; i < 100; i++) Assert.Equal(-1, s[i]);
        s[99] = 7;
        Assert.Equal(7, Interlocked.CompareExchange(ref s[99], 8, 7));
        Assert.Equal(8, s[99]);
        Assert.Throws<IndexOutOfRangeException>(() => s[100]);
        Assert.Equal(100UL, s.Count);
    }
}
