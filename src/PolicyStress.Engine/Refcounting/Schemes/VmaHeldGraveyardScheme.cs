namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Figure 3 plus the per-segment list Lee proposed in the 6 Nov 2007 follow-up: a removed policy keeps the
/// references of the vmas attached when it was removed and waits until every one of them has detached.
/// </summary>
internal static class VmaHeldGraveyardScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.VmaHeldGraveyard,
        Name = "vma-held-graveyard",
        Summary = "Figure 3 plus Lee's list: a removed policy waits until every vma attached at removal has detached",
        FaultRef = FaultRef.None,
        Attach = AttachRule.HoldEveryTreePolicy,
        Replace = ReplaceRule.WaitForDetach,
        Frees = FreeRule.AtZero,
        Safety = SafetyClaim.Claims,
    };
}
