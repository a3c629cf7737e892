namespace PolicyStress.Conformance;

/// <summary>shmdt of both views of a slot's segment; the segment (already IPC_RMID'd) is destroyed.</summary>
internal sealed record RemoveSegmentOp(int Slot) : ConfOp
{
    public override string Verb => "remove";

    protected override IEnumerable<(string, string)> Fields() => [("slot", Dec(Slot))];
}
