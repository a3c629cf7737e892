namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Figure 3 plus an RCU-style grace period (quiescent-state reclamation, as call_rcu since 2.5.43): a
/// replace drops every reference at once, as Figure 3 does, but the free waits until every task has passed
/// a quiescent point, so a fault between lookup and use is covered. The vma references only decide the
/// counts (Figure 3's); the grace period is what makes it safe.
/// </summary>
internal static class VmaHeldEpochScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.VmaHeldEpoch,
        Name = "vma-held-epoch",
        Summary = "Figure 3 plus a grace period: a removed policy is freed once every task passed a quiescent point",
        FaultRef = FaultRef.None,
        Attach = AttachRule.HoldEveryTreePolicy,
        Replace = ReplaceRule.DropEveryReference,
        Frees = FreeRule.GracePeriod,
        Safety = SafetyClaim.Claims,
    };
}
