namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// The 2.6.23 rules (480eccf9ae10, "Fix NUMA Memory Policy Reference Counting", Sep 2007): lookup references
/// as in mainline, but on the 2007 object model — the tree node and the installer's vma policy are one
/// object (sp_alloc's mpol_get) — with sp->lock a spinlock_t, and with the four bugs of Lee's 30 Oct 2007
/// mail (and get_mempolicy's leak) as switches. Safe only with every bug off.
/// </summary>
internal static class Lookup2007Scheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.Lookup2007,
        Name = "lookup-2007",
        Summary = "2.6.23: lookup references on shared policy objects, spinlock tree, the 2007 bugs as switches",
        FaultRef = FaultRef.Atomic,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.AtZero,
        ForcedSpLock = SpLockKind.Spin,
        Safety = SafetyClaim.WithoutBugs,
        ObjectModel2007 = true,
        HeldText = "task1's vma holds it",
    };
}
