namespace PolicyStress.Cli.Conformance;

/// <summary>
/// Where things live: one PROT_NONE reservation at a low fixed address (far below where the runtime's
/// own mmaps land, so nothing foreign appears in it), one region per view carved out of it as a hole
/// when its segment is first created, the view attached one page into its region. Everything outside a
/// view inside the reservation is either a hole or an anonymous PROT_NONE vma, on both sides alike.
/// </summary>
internal static class ConformanceLayout
{
    public const ulong Page = 4096;
    public const int Slots = 4;
    public const int Views = 2;
    public const int MaxSegmentPages = 40;
    /// <summary>Pages per view region: the view plus holes on both sides.</summary>
    public const ulong RegionPages = 48;
    /// <summary>The reservation: a guard page of PROT_NONE on each end around the view regions.</summary>
    public const ulong ReservationBytes = (2 + Slots * Views * RegionPages) * Page;
    /// <summary>Candidate reservation addresses (16 TiB up): the first that MAP_FIXED_NOREPLACE accepts.</summary>
    public const ulong PreferredBase = 0x1000_0000_0000;

    public static ulong RegionStart(ulong reservation, int slot, int view) =>
        reservation + Page + (ulong)(slot * Views + view) * RegionPages * Page;

    public static ulong ViewAddress(ulong reservation, int slot, int view) => RegionStart(reservation, slot, view) + Page;

    public static string ViewName(int slot, int view) => $"s{slot}{(char)('A' + view)}";
}
