namespace PolicyStress.Conformance;

/// <summary>set_mempolicy(mode, nmask, maxnode) on the dedicated policy thread.</summary>
internal sealed record SetMempolicyOp(int Mode, ulong[]? Mask, ulong MaxNode) : ConfOp
{
    public override string Verb => "set_mempolicy";

    protected override IEnumerable<(string, string)> Fields() =>
        [("mode", Hex((uint)Mode)), ("mask", MaskText(Mask)), ("maxnode", Dec((long)MaxNode))];

    public override string Comment => ScriptNames.Mode(Mode);
}
