namespace PolicyStress.Conformance;

/// <summary>
/// munmap(anon slot's address + offset, len): head, middle (a split), tail or whole of an anonymous
/// mapping, or an invalid call (unaligned start, zero length). Kept inside the slot's region.
/// </summary>
internal sealed record MunmapOp(int Anon, long Offset, ulong Len) : ConfOp
{
    public override string Verb => "munmap";

    protected override IEnumerable<(string, string)> Fields() =>
        [("anon", Dec(Anon)), ("off", Dec(Offset)), ("len", Hex(Len))];
}
