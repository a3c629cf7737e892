namespace PolicyStress.Conformance;

/// <summary>
/// get_mempolicy(&amp;mode, nmask, maxnode, addr, flags) on the policy thread. <see cref="Slot"/> &lt; 0
/// passes <see cref="Offset"/> as a raw address (0 or a bogus one); otherwise the address is
/// view + offset. <see cref="MaskWords"/> &lt; 0 passes a NULL mask.
/// </summary>
internal sealed record GetMempolicyOp(uint Flags, int MaskWords, ulong MaxNode, int Slot, int View, long Offset) : ConfOp
{
    public override string Verb => "get_mempolicy";

    protected override IEnumerable<(string, string)> Fields() =>
    [
        ("flags", Hex(Flags)), ("words", Dec(MaskWords)), ("maxnode", Dec((long)MaxNode)),
        ("slot", Dec(Slot)), ("view", Dec(View)), ("off", Dec(Offset)),
    ];

    public override string Comment => ScriptNames.GetFlags(Flags);
}
