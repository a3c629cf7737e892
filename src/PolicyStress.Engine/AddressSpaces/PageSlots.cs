using System.Runtime.CompilerServices;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// Per-page words laid out as the kernel lays out what it keeps per page: in blocks of
/// <see cref="ChunkSize"/> (XA_CHUNK_SIZE, 64) consecutive pages, each block <see cref="CacheLine.Size"/>
/// bytes away from its neighbours. The page cache (an xarray) keeps a file's pages in xa_node objects of 64
/// slots each, allocated separately and cache-line aligned (576 bytes); a page table keeps its ptes 8 bytes
/// each, so 64 pages' ptes fill a 512-byte, line-aligned run. So two tasks that fault pages of different
/// 64-page blocks never write one cache line, in the kernel or here; tasks in one block do, in both.
/// </summary>
/// <remarks>
/// A flat array would let a block edge fall anywhere in a line (an array's elements start 16 bytes into the
/// object, and the GC moves it), so two tasks faulting neighbouring slices of one segment would share the
/// line at their common edge: a cost of the model, not of the kernel (issue 8 item 4). The padding costs
/// <see cref="CacheLine.Size"/> bytes per 64 pages. Indexing is one shift, one mask and one multiply by a
/// constant; the element is returned by reference, so <c>Volatile</c> and <c>Interlocked</c> work on it.
/// </remarks>
public sealed class PageSlots<T> where T : unmanaged
{
    /// <summary>XA_CHUNK_SHIFT (CONFIG_BASE_SMALL=0).</summary>
    public const int ChunkShift = 6;
    /// <summary>XA_CHUNK_SIZE: slots per xa_node.</summary>
    public const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    private static readonly int Pad = CacheLine.Size / Unsafe.SizeOf<T>();
    private static readonly int Stride = ChunkSize + Pad;

    private readonly T[] _words;

    public PageSlots(ulong count, T initial)
    {
        Count = count;
        long blocks = (long)((count + ChunkMask) >> ChunkShift);
        _words = new T[Pad + blocks * Stride];
        if (!EqualityComparer<T>.Default.Equals(initial, default)) Array.Fill(_words, initial);
    }

    /// <summary>The pages this holds a word for.</summary>
    public ulong Count { get; }

    /// <summary>The word of page <paramref name="idx"/>; IndexOutOfRangeException past <see cref="Count"/>, as an array's.</summary>
    public ref T this[ulong idx]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (idx >= Count) ThrowOutOfRange();
            return ref _words[Pad + (long)(idx >> ChunkShift) * Stride + (long)(idx & ChunkMask)];
        }
    }

    /// <summary>The word of page <paramref name="idx"/> (an int index, as loops over small ranges use).</summary>
    public ref T this[int idx] => ref this[(ulong)(uint)idx];

    private static void ThrowOutOfRange() => throw new IndexOutOfRangeException("page index past the object's end");
}
