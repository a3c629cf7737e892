namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Hazard pointers (Maged Michael, 2004; for the kernel: Boqun Feng's RFC of Sep 2024, Mathieu Desnoyers'
/// series, and the "simple hazard pointers" (shazptr) of 2025): the fault publishes the policy it found in
/// its task's hazard slot, fences, and re-checks that the tree still holds it; the use needs no count. A
/// replace retires the removed policy to a list; a scan of every task's slot frees those no slot holds. The
/// reclaim figures are the scans' cost and the retire-to-free wait.
/// </summary>
internal static class HazptrScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.Hazptr,
        Name = "hazptr",
        Summary = "hazard pointers: a fault publishes the policy in its task's slot and re-checks; a scan of all slots frees",
        FaultRef = FaultRef.Hazard,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.HazardScan,
        Safety = SafetyClaim.Claims,
        Scalable = true,
        WaitText = "waits for a scan",
    };
}
