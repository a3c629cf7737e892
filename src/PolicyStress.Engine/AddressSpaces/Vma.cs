using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.AddressSpaces;

/// <summary>
/// struct vm_area_struct: [Start, End) of one mm, with vm_pgoff and vm_policy. Fields change only under
/// the mm's mmap lock held for write; faults read them under the read side.
/// </summary>
public sealed class Vma
{
    internal Vma(ulong start, ulong end, ulong pgoff, VmaKind kind, Mapping mapping)
    {
        Start = start;
        End = end;
        Pgoff = pgoff;
        Kind = kind;
        Mapping = mapping;
    }

    public ulong Start { get; internal set; }
    public ulong End { get; internal set; }
    /// <summary>vm_pgoff, in 4 KiB pages (also for hugetlb, as in the kernel).</summary>
    public ulong Pgoff { get; internal set; }
    public VmaKind Kind { get; }
    public Mapping Mapping { get; }
    /// <summary>vm_policy: owns one reference; null means "use the task policy".</summary>
    public Mempolicy? VmPolicy { get; internal set; }
    /// <summary>
    /// Which anon_vma a private anonymous vma has (0: none yet). The kernel gives a vma one at its first
    /// fault (anon_vma_prepare), shares it with split pieces, and merges only vmas whose anon_vmas are
    /// compatible; the engine assigns it lazily (<c>Kernel.SyncAnonVmas</c>) before any change to the vmas.
    /// </summary>
    internal int AnonVmaId;

    /// <summary>
    /// vm_refcnt (e8f32ff00a66, believed 6.15): 1 while the vma is attached to its mm, plus one per reader
    /// holding it (vma_start_read), plus <see cref="Kernel.VmaLockOffset"/> while a writer waits for the
    /// readers to drain (__vma_enter_locked). 0: detached. Used with per-VMA locks only.
    /// </summary>
    internal int RefCnt = 1;

    /// <summary>vm_lock_seq: the mm's <see cref="Mm.LockSeq"/> of the write session that write-locked the
    /// vma (vma_start_write); the vma is write-locked while the two are equal.</summary>
    internal long LockSeq = -1;

    public ulong Pages => (End - Start) >> Kernel.PageShift;
    /// <summary>vm_ops->get_policy exists: shmem and SysV shm over shmem consult the shared tree.</summary>
    public bool HasSharedPolicy => Kind is VmaKind.Shmem or VmaKind.SysvShm;
    /// <summary>vm_ops->get_policy exists at all: shm_vm_ops has it even over hugetlb (the 2.6.23 paths ask it).</summary>
    public bool HasGetPolicyOp => Kind is VmaKind.Shmem or VmaKind.SysvShm or VmaKind.SysvHugetlb;

    /// <summary>The object page that backs <paramref name="addr"/>.</summary>
    public ulong ObjectIndex(ulong addr)
    {
        int shift = Mapping.Object.PageShift;
        return ((Pgoff - Mapping.PgoffBase) >> (shift - Kernel.PageShift)) + ((addr - Start) >> shift);
    }

    /// <summary>The shmem page offset of <paramref name="addr"/> (the index the shared tree is keyed by).</summary>
    public ulong PageOffset(ulong addr) => Pgoff + ((addr - Start) >> Kernel.PageShift);

    public override string ToString() => $"{Start:x}-{End:x} pgoff={Pgoff} {Kind} policy={PolicyText.ToKernelString(VmPolicy)}";
}
