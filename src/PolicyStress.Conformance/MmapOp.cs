namespace PolicyStress.Conformance;

/// <summary>
/// mmap(anon slot's address, pages, PROT_READ|PROT_WRITE, MAP_FIXED|MAP_ANONYMOUS|MAP_PRIVATE or
/// MAP_SHARED) into the anonymous slot's region of the reservation (over PROT_NONE or a hole left by an
/// earlier munmap; never over a live mapping). Other ops name the mapping as slot = Slots + anon, view 0.
/// </summary>
internal sealed record MmapOp(int Anon, int Pages, bool Shared) : ConfOp
{
    public override string Verb => "mmap";

    protected override IEnumerable<(string, string)> Fields() =>
        [("anon", Dec(Anon)), ("pages", Dec(Pages)), ("shared", Shared ? "1" : "0")];

    public override string Comment => Shared ? "MAP_SHARED|MAP_ANONYMOUS" : "MAP_PRIVATE|MAP_ANONYMOUS";
}
