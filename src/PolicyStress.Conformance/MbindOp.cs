namespace PolicyStress.Conformance;

/// <summary>
/// mbind(view + offset, len, mode, nmask, maxnode, flags) through one view of a slot. The offset may
/// be negative or unaligned, the range may run into holes, past the view, or wrap: invalid calls are
/// part of the test.
/// </summary>
internal sealed record MbindOp(int Slot, int View, long Offset, ulong Len, int Mode, ulong[]? Mask, ulong MaxNode, uint Flags) : ConfOp
{
    public override string Verb => "mbind";

    protected override IEnumerable<(string, string)> Fields() =>
    [
        ("slot", Dec(Slot)), ("view", Dec(View)), ("off", Dec(Offset)), ("len", Hex(Len)),
        ("mode", Hex((uint)Mode)), ("mask", MaskText(Mask)), ("maxnode", Dec((long)MaxNode)), ("flags", Hex(Flags)),
    ];

    public override string Comment => $"{ScriptNames.Mode(Mode)} flags={ScriptNames.MbindFlags(Flags)}";
}
