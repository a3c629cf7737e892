namespace PolicyStress.Conformance;

/// <summary>
/// madvise(address + offset, len, advice) over a SysV view (slot &lt; Slots) or an anonymous mapping
/// (slot = Slots + anon, view 0): MADV_DONTNEED or MADV_REMOVE, ranges that may run into holes (ENOMEM)
/// or PROT_NONE parts of the reservation; never outside the reservation.
/// </summary>
internal sealed record MadviseOp(int Slot, int View, long Offset, ulong Len, int Advice) : ConfOp
{
    public override string Verb => "madvise";

    protected override IEnumerable<(string, string)> Fields() =>
        [("slot", Dec(Slot)), ("view", Dec(View)), ("off", Dec(Offset)), ("len", Hex(Len)), ("advice", Dec(Advice))];

    public override string? Comment => Advice switch { 4 => "MADV_DONTNEED", 9 => "MADV_REMOVE", _ => null };
}
