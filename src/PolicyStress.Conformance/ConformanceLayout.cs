using PolicyStress.Engine;

namespace PolicyStress.Conformance;

/// <summary>
/// Where things live: one PROT_NONE reservation at a low fixed address (far below where the runtime's
/// own mmaps land, so nothing foreign appears in it), one region per view carved out of it as a hole
/// when its segment is first created, the view attached one page into its region. Everything outside a
/// view inside the reservation is either a hole or an anonymous PROT_NONE vma, on both sides alike.
/// </summary>
internal static class ConformanceLayout
{
    public const ulong Page = Kernel.PageSize;
    public const int Slots = 4;
    public const int Views = 2;
    public const int MaxSegmentPages = 40;
    /// <summary>Pages per view region: the view plus holes on both sides.</summary>
    public const ulong RegionPages = 48;
    /// <summary>
    /// Anonymous-mapping slots, after the view regions: slot numbers Slots..Slots+AnonSlots-1 (view 0)
    /// in mbind, touch, get_mempolicy and madvise. Each mapping starts one page into its region and is at
    /// most <see cref="AnonMaxPages"/> long, so two anonymous mappings are never adjacent (exclusion: the
    /// kernel merges adjacent compatible anonymous vmas at mmap time, the engine keeps each mmap its own
    /// object — see MODEL.md), and a PROT_NONE page or a hole always separates them.
    /// </summary>
    public const int AnonSlots = 3;
    public const int AnonMaxPages = 8;
    public const ulong AnonRegionPages = 12;
    /// <summary>The reservation: a guard page of PROT_NONE on each end around the view and anonymous regions.</summary>
    public const ulong ReservationBytes = (2 + Slots * Views * RegionPages + AnonSlots * AnonRegionPages) * Page;
    /// <summary>Candidate reservation addresses (16 TiB up): the first that MAP_FIXED_NOREPLACE accepts.</summary>
    public const ulong PreferredBase = 0x1000_0000_0000;

    public static ulong RegionStart(ulong reservation, int slot, int view) =>
        reservation + Page + (ulong)(slot * Views + view) * RegionPages * Page;

    public static ulong ViewAddress(ulong reservation, int slot, int view) => RegionStart(reservation, slot, view) + Page;

    public static bool IsAnon(int slot) => slot >= Slots;

    public static ulong AnonRegionStart(ulong reservation, int anon) =>
        reservation + Page + (ulong)(Slots * Views) * RegionPages * Page + (ulong)anon * AnonRegionPages * Page;

    public static ulong AnonAddress(ulong reservation, int anon) => AnonRegionStart(reservation, anon) + Page;

    /// <summary>A view of a segment slot, or (slot &gt;= Slots) the anonymous mapping's address.</summary>
    public static ulong TargetAddress(ulong reservation, int slot, int view) =>
        IsAnon(slot) ? AnonAddress(reservation, slot - Slots) : ViewAddress(reservation, slot, view);

    public static string ViewName(int slot, int view) => IsAnon(slot) ? $"a{slot - Slots}" : $"s{slot}{(char)('A' + view)}";
}
