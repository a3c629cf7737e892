using PolicyStress.Engine.Ipc;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// One mmap() or shmat() of an object: the struct file (and shm_file_data) that all vmas split from that
/// call share. It records which object pages this mapping has in its page tables (<see cref="Mapped"/>,
/// indexed by object page, with the pte's dirty bit), so numa_maps counts exactly what a page-table walk
/// would.
/// </summary>
public sealed class Mapping
{
    /// <summary><see cref="Mapped"/> values: not mapped, mapped by a clean pte, mapped by a dirty pte, mapped
    /// to the shared zero page (private anonymous memory read before it was written; not counted anywhere).</summary>
    internal const byte PteNone = 0, PteClean = 1, PteDirty = 2, PteZero = 3;

    /// <summary>The page table entries of this mapping, a byte per object page, in 64-page blocks on lines of
    /// their own as a page table's ptes are (<see cref="PageSlots{T}"/>).</summary>
    internal readonly PageSlots<byte> Mapped;
    internal int VmaCount;

    internal Mapping(MemObject obj, ulong pgoffBase, bool readOnly, ShmSegment? segment)
    {
        Object = obj;
        PgoffBase = pgoffBase;
        ReadOnly = readOnly;
        Segment = segment;
        Mapped = new PageSlots<byte>(obj.PageCount, PteNone);
    }

    public MemObject Object { get; }
    /// <summary>vm_pgoff of object page 0 (0 for files; the start address's page number for anon).</summary>
    public ulong PgoffBase { get; }
    public bool ReadOnly { get; }
    public ShmSegment? Segment { get; }

    /// <summary>Figure 3: the tree policies this mapping holds a reference on (vma-held schemes only).</summary>
    internal HashSet<Mempolicy> HeldPolicies { get; } = new(ReferenceEqualityComparer.Instance);
}
