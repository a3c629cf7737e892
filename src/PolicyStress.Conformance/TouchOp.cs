namespace PolicyStress.Conformance;

/// <summary>A read or write of one byte of page <see cref="Page"/> through one view: a page fault.</summary>
internal sealed record TouchOp(int Slot, int View, int Page, bool Write) : ConfOp
{
    public override string Verb => "touch";

    protected override IEnumerable<(string, string)> Fields() =>
        [("slot", Dec(Slot)), ("view", Dec(View)), ("page", Dec(Page)), ("write", Write ? "1" : "0")];
}
