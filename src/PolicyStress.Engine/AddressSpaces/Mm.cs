namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// struct mm_struct: the vmas of one address space, ordered by address, behind <see cref="MmapLock"/>
/// (mmap_lock, a reader/writer lock: faults read, mbind/mmap/munmap write). Each mm has its own lock,
/// so tasks of different processes never share it; threads of one process (tasks sharing an mm) do.
/// With per-VMA locks (<see cref="MmapLockKind.PerVma"/>) faults read <see cref="VmaSnapshot"/> instead,
/// the model's RCU-walked maple tree, and lock the vma they find.
/// </summary>
public sealed class Mm
{
    /// <summary>Top of the mmap area: addresses are handed out top-down below it, as on x86-64.</summary>
    public const ulong MmapBase = 0x7f00_0000_0000;
    public const ulong MmapMin = 0x1_0000;

    internal readonly List<Vma> Vmas = new();

    public MmapLock MmapLock { get; }
    public int Id { get; }
    internal int Users;

    /// <summary>Faults try the per-VMA lock first (<see cref="MmapLockKind.PerVma"/>). Fixed for the mm's life.</summary>
    internal readonly bool PerVma;

    /// <summary>
    /// mm->mm_lock_seq (a seqcount since 6.13): odd while a writer holds the mmap lock, so a vma whose
    /// <see cref="Vma.LockSeq"/> equals it is write-locked; the unlock moves it on and so releases every
    /// vma write lock at once (vma_end_write_all). Written only by the mmap lock's writer.
    /// </summary>
    internal long LockSeq;

    /// <summary>
    /// The vmas as faults see them without the mm lock (the maple tree under RCU): an array no one
    /// changes once published, republished by the writer when a vma was inserted or removed. Its vmas'
    /// fields may change under a reader (a split moves End); a reader checks its address again after it
    /// locked the vma, as lock_vma_under_rcu() does. PerVma only; empty otherwise.
    /// </summary>
    internal Vma[] VmaSnapshot = [];
    private bool _vmasChanged;

    internal Mm(int id, MmapLockKind lockKind = MmapLockKind.Rwls)
    {
        Id = id;
        PerVma = lockKind == MmapLockKind.PerVma;
        MmapLock = new MmapLock(lockKind, this);
    }

    /// <summary>mm_lock_seqcount_begin() in mmap_write_lock(): from now on vma_start_write marks vmas
    /// with this session's sequence. Plain write, then Volatile.Write: readers compare it with release order
    /// against the vma's sequence (the write lock's CAS already fenced it).</summary>
    internal void BeginWriteSeq() => Volatile.Write(ref LockSeq, LockSeq + 1);

    /// <summary>
    /// vma_end_write_all() in mmap_write_unlock(): publish the vmas (rcu_assign_pointer: Volatile.Write,
    /// release — a reader that sees the new array sees the vmas and fields it holds), then move the
    /// sequence on (release), which unlocks every vma this writer locked.
    /// </summary>
    internal void EndWriteAll()
    {
        if (_vmasChanged)
        {
            Volatile.Write(ref VmaSnapshot, [.. Vmas]);
            _vmasChanged = false;
        }
        Volatile.Write(ref LockSeq, LockSeq + 1);
    }

    /// <summary>mas_walk() under RCU over a published array: the vma that seemed to contain
    /// <paramref name="addr"/>, or null. Its fields may be changing; the caller checks again after locking.</summary>
    internal static Vma? FindUnlocked(Vma[] vmas, ulong addr)
    {
        int lo = 0, hi = vmas.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var v = vmas[mid];
            if (v.End <= addr) lo = mid + 1;
            else if (v.Start > addr) hi = mid - 1;
            else return v;
        }
        return null;
    }

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

    internal void Insert(Vma v)
    {
        Vmas.Insert(IndexAfter(v.Start), v);
        _vmasChanged = true;
    }

    internal void Remove(Vma v)
    {
        Vmas.Remove(v);
        _vmasChanged = true;
    }

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
