namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Mainline since 2.6.26 (52cd3b074050, "mempolicy: rework mempolicy Reference Counting"): a tree lookup
/// (mpol_shared_policy_lookup) takes a reference under sp->lock; the allocation drops it with
/// mpol_cond_put(). Task and vma policies are used unreferenced. Figure 1 of the seed mail.
/// </summary>
internal static class LookupScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.Lookup,
        Name = "lookup",
        Summary = "each lookup takes a reference on the tree policy and drops it after the allocation (mainline)",
        FaultRef = FaultRef.Atomic,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.AtZero,
        Safety = SafetyClaim.Claims,
    };
}
