namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// "Figure 3" of Lee Schermerhorn's 30 Oct 2007 mail: each attached vma holds a reference on every tree
/// policy, so faults take none; a replace drops the tree's and every vma's reference at once. Withdrawn by
/// Lee on 6 Nov 2007: a replace can free a policy a fault is still using. Frees stay immediate even on the
/// snapshot tree, so that the flaw stays observable. Known unsafe.
/// </summary>
internal static class VmaHeldScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.VmaHeld,
        Name = "vma-held",
        Summary = "Figure 3: every attached vma holds a reference, faults take none; a replace frees at once (unsafe)",
        FaultRef = FaultRef.None,
        Attach = AttachRule.HoldEveryTreePolicy,
        Replace = ReplaceRule.DropEveryReference,
        Frees = FreeRule.AtZeroAlways,
        Safety = SafetyClaim.DoesNot,
    };
}
