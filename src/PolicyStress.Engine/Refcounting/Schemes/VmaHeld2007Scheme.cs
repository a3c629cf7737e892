namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// "Figure 3" of Lee Schermerhorn's 30 Oct 2007 mail taken literally, on the 2.6.23 object model it was
/// written for (480eccf9ae10): "add a reference to shared policies for each vma attached", so lookups take
/// none; and "munmap() of a vma will need to decrement the ref count of all policies in a shared policy
/// tree" — the policies in the tree at detach, not the ones the vma took a reference on, because nothing
/// records which those were. In 2.6.23 the tree node and the installer's vm_policy are one object
/// (sp_alloc's mpol_get), so a replace by another task drops only the tree's reference and cannot free a
/// policy the installer's vma still holds: a use after free needs the last holder to drop it. What the
/// literal rule adds is miscounting whenever the tree changed between a mapping's attach and its detach: a
/// policy inserted after the attach is decremented by a detach that never referenced it (an underflow, or a
/// free while the tree still points to it), and a policy removed after the attach keeps that mapping's
/// reference for ever (a leak). Unsafe; <see cref="VmaHeldScheme"/> is the same figure on today's objects
/// with the per-mapping bookkeeping Lee would have needed.
/// </summary>
internal static class VmaHeld2007Scheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.VmaHeld2007,
        Name = "vma-held-2007",
        Summary = "Figure 3 literally on 2.6.23 objects: attach refs every tree policy, detach drops one on every policy then in the tree",
        FaultRef = FaultRef.None,
        Attach = AttachRule.HoldTreeAtAttachDropTreeAtDetach,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.AtZeroAlways,
        ForcedSpLock = SpLockKind.Spin,
        Safety = SafetyClaim.DoesNot,
        ObjectModel2007 = true,
        HeldText = "vmas hold it",
    };
}
