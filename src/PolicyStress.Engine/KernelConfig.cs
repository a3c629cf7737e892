using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine;

/// <summary>The run-time choices of one simulated kernel; fixed for its life.</summary>
public sealed record KernelConfig
{
    public RefScheme Scheme { get; init; } = RefScheme.Lookup;
    public SpLockKind SpLock { get; init; } = SpLockKind.RwLock;
    /// <summary>The lock a fault takes to find its vma: the mm's (ReaderWriterLockSlim or rw_semaphore) or the vma's own.</summary>
    public MmapLockKind MmapLock { get; init; } = MmapLockKind.Rwls;
    /// <summary>Which 2007 bugs are live; meaningful with <see cref="RefScheme.Lookup2007"/> only.</summary>
    public Bugs2007 Bugs { get; init; } = Bugs2007.None;
    /// <summary>Huge pages the model may hand to SHM_HUGETLB segments (vm.nr_hugepages).</summary>
    public long HugePages { get; init; } = 1 << 20;
    /// <summary>SHMMAX, SHMMNI defaults of current kernels.</summary>
    public ulong ShmMax { get; init; } = ulong.MaxValue - (1UL << 24);
    /// <summary>
    /// A clock in nanoseconds the harness may inject so that the auditor can say how long freed policies
    /// waited (graveyard, grace periods). The engine reads no clock of its own; it calls this only on
    /// writer paths (retire and free), never on the fault path.
    /// </summary>
    public Func<long>? ClockNs { get; init; }
    /// <summary>SHMMNI: the most segments that may exist at once (ENOSPC past it).</summary>
    public int ShmMni { get; init; } = 4096;
    /// <summary>
    /// The inode number of each new shmem object, which biases its interleave (i_ino, since 3.6). Without
    /// it the engine numbers them as the kernel does — a SysV segment's inode is its shmid (newseg), a
    /// MAP_SHARED|MAP_ANONYMOUS object's the next of a counter (get_next_ino) — which a real kernel's,
    /// shared with every other process, will not match: a harness that mirrors a real kernel call for call
    /// (conformance) supplies the real numbers here. Called on shmget and shared mmap, never on the fault path.
    /// </summary>
    public Func<long>? InodeNumbers { get; init; }
    /// <summary>
    /// Whether a read fault on untouched private anonymous memory maps the shared zero page
    /// (do_anonymous_page). True on mainline; false where the kernel forbids the zero page
    /// (mm_forbids_zeropage(), or a hypervisor guest's boot option such as pvm_no_zero_page=1): the read
    /// then allocates a page by policy, mapped writable and dirty as a write fault's would be.
    /// </summary>
    public bool ZeroPage { get; init; } = true;

    /// <summary>Everything the scheme means (<see cref="SchemeRegistry"/>).</summary>
    public SchemeDefinition Definition => SchemeRegistry.Of(Scheme);

    /// <summary>The tree lock actually used: the scheme's forced one (2.6.23 had a spinlock_t) or the run's.</summary>
    public SpLockKind EffectiveSpLock => Definition.ForcedSpLock ?? SpLock;

    /// <summary>The mmap lock actually used: 2.6.23 had no per-VMA locks, so a per-vma run of it takes the
    /// mmap_sem rw_semaphore.</summary>
    public MmapLockKind EffectiveMmapLock => Era2007 && MmapLock == MmapLockKind.PerVma ? MmapLockKind.Rwsem : MmapLock;

    /// <summary>The 2007 kernel: modes 0–3, shared policy objects, no inode bias, bind in node order.</summary>
    public bool Era2007 => Definition.ObjectModel2007;

    /// <summary>Whether the scheme, with these bugs, claims to be safe (a finding under it is a failure).</summary>
    public bool ClaimsSafety => Definition.ClaimsSafety(Bugs);

    /// <summary>What an allocating fault spends besides the policy path (<see cref="FaultCostKind"/>).</summary>
    public FaultCostKind FaultCost { get; init; } = FaultCostKind.Isolated;
    /// <summary>
    /// Kernel-shaped costs only: iterations of <see cref="Kernel.PrivateWork"/> per allocating fault, the
    /// calibrated rest of a real fault. The harness converts nanoseconds into iterations; 0 spends none.
    /// </summary>
    public long PrivateWorkIterations { get; init; }

    public static KernelConfig Default { get; } = new();
}
