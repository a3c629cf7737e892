namespace PolicyStress.Engine;

public sealed partial class Kernel
{
    /// <summary>PAGE_SHIFT: the engine models 4 KiB base pages, as x86-64 and arm64's default 4K configuration have.</summary>
    public const int PageShift = 12;
    /// <summary>PAGE_SIZE.</summary>
    public const ulong PageSize = 1UL << PageShift;
    /// <summary>HPAGE_PMD_SHIFT: hugetlb pages are 2 MiB (the default hstate of x86-64 and 4K arm64).</summary>
    public const int HugePageShift = 21;
}
