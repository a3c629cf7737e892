namespace PolicyStress.Conformance;

/// <summary>
/// shmget(IPC_PRIVATE, size) + shmat twice (views A and B at the slot's fixed addresses, as two tasks
/// would see one segment) + IPC_RMID at once, so the segment dies with its attaches even if the run dies.
/// </summary>
internal sealed record CreateSegmentOp(int Slot, ulong Size) : ConfOp
{
    public override string Verb => "create";

    protected override IEnumerable<(string, string)> Fields() => [("slot", Dec(Slot)), ("size", Dec((long)Size))];

    public override string Comment => $"{(Size + ConformanceLayout.Page - 1) / ConformanceLayout.Page} pages";
}
