namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// struct mm_struct: the vmas of one address space, ordered by address, behind <see cref="MmapLock"/>
/// (mmap_lock, a reader/writer lock: faults read, mbind/mmap/munmap write). Each mm has its own lock,
/// so tasks of different processes never share it; threads of one process (tasks sharing an mm) do.
/// </summary>
public sealed class Mm
{
    /// <summary>Top of the mmap area: addresses are handed out top-down below it, as on x86-64.</summary>
    public const ulong MmapBase = 0x7f00_0000_0000;
    public const ulong MmapMin = 0x1_0000;

    internal readonly List<Vma> Vmas = new();

    public ReaderWriterLockSlim MmapLock { get; } = new(LockRecursionPolicy.NoRecursion);
    public int Id { get; }
    internal int Users;

    internal Mm(int id) => Id = id;

    public IReadOnlyList<Vma> VmaList => Vmas;

    /// <summary>vma_lookup(): the vma containing <paramref name="addr"/>, or null. Caller holds the lock.</summary>
    public Vma? FindVma(ulong addr)
    {
        int i = IndexAfter(addr);
        return i < Vmas.Count && Vmas[i].Start <= addr ? Vmas[i] : null;
    }

    /// <summary>Index of the first vma whose End is above <paramref name="addr"/> (find_vma).</summary>
    internal int IndexAfter(ulong addr)
    {
        int lo = 0, hi = Vmas.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Vmas[mid].End <= addr) lo = mid + 1;
            else hi = mid - 1;
        }
        return lo;
    }

    internal bool Intersects(ulong start, ulong end)
    {
        int i = IndexAfter(start);
        return i < Vmas.Count && Vmas[i].Start < end;
    }

    internal void Insert(Vma v) => Vmas.Insert(IndexAfter(v.Start), v);

    /// <summary>get_unmapped_area() top-down: the highest gap below <see cref="MmapBase"/> that fits.</summary>
    internal ulong FindGap(ulong len, ulong align)
    {
        ulong hiBound = MmapBase;
        for (int i = Vmas.Count - 1; i >= -1; i--)
        {
            ulong lo = i >= 0 ? Vmas[i].End : MmapMin;
            if (lo < hiBound && hiBound - lo >= len)
            {
                ulong start = (hiBound - len) & ~(align - 1);
                if (start >= lo) return start;
            }
            if (i >= 0) hiBound = Math.Min(hiBound, Vmas[i].Start);
        }
        return 0;
    }
}
