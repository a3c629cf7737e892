using PolicyStress.Engine.SharedPolicies;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// What a mapping maps: a shmem inode (SysV segment or MAP_SHARED|MAP_ANONYMOUS object, with its shared
/// policy tree) or the anonymous pages of one private mapping. Its page array is the page cache / the
/// anon pages: one int per page, -1 when absent, else the node in the low bits and <see cref="DirtyBit"/>.
/// Tasks faulting different 64-page blocks write different cache lines, as in the xarray; the slots are
/// allocated once, so the fault path allocates nothing.
/// </summary>
public sealed class MemObject
{
    public const int DirtyBit = 1 << 16;
    public const int NodeMask = 0xFFFF;

    private Mapping[] _mappings = [];
    private readonly Lock _mappingsLock = new();

    /// <summary>The page cache: a word per page in xa_node-shaped blocks (<see cref="PageSlots{T}"/>).</summary>
    internal readonly PageSlots<int> Pages;

    public MemObject(ulong pages, bool shmem, bool hugeTlb, long ino, SharedPolicy? policy)
    {
        Pages = new PageSlots<int>(pages, -1);
        InodeLocks = shmem ? new ShmemInodeLocks() : null;
        IsShmem = shmem;
        HugeTlb = hugeTlb;
        Ino = ino;
        Policy = policy;
    }

    /// <summary>The shmem inode's xa_lock, info->lock, i_rwsem and i_mmap (kernel-shaped fault costs); null otherwise.</summary>
    internal readonly ShmemInodeLocks? InodeLocks;

    public bool IsShmem { get; }
    public bool HugeTlb { get; }
    /// <summary>i_ino: biases shmem interleave (since 3.6, 09c231cb8bfd). A SysV segment's is its shmid.</summary>
    public long Ino { get; }
    /// <summary>The inode's shared policy tree; null for anonymous and hugetlb objects.</summary>
    public SharedPolicy? Policy { get; }
    /// <summary>log2 of the page size: <see cref="Kernel.PageShift"/>, or <see cref="Kernel.HugePageShift"/> for hugetlb.</summary>
    public int PageShift => HugeTlb ? Kernel.HugePageShift : Kernel.PageShift;
    public ulong PageCount => Pages.Count;

    /// <summary>The mappings of this object (its rmap), copied on write so that readers need no lock.</summary>
    internal Mapping[] Mappings => Volatile.Read(ref _mappings);   // acquire: pairs with the release below

    internal void AddMapping(Mapping m)
    {
        lock (_mappingsLock) Volatile.Write(ref _mappings, [.. _mappings, m]);
    }

    internal void RemoveMapping(Mapping m)
    {
        lock (_mappingsLock) Volatile.Write(ref _mappings, Array.FindAll(_mappings, x => x != m));
    }

    public int PresentPages
    {
        get
        {
            int n = 0;
            for (ulong i = 0; i < Pages.Count; i++)
                if (Volatile.Read(ref Pages[i]) >= 0) n++;
            return n;
        }
    }
}
