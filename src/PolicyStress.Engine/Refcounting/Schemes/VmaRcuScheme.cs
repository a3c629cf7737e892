namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// What mainline does since 2026 for vma policies (190a8c48ff62, "futex: Fix UaF between
/// futex_key_to_node_opt() and vma_replace_policy()", 7.0-rc, in 6.18.21 and 6.19.11: __mpol_put frees
/// through kfree_rcu, so a reader under rcu_read_lock may use vma->vm_policy without a reference), applied to
/// the tree policies as Vlastimil Babka's 2015 proposal for an RCU lookup of the shared tree would (never
/// built). Faults take no reference; attach and detach do nothing; a replace drops the tree's reference and
/// the free waits a grace period. Not the same scheme as vma-held-epoch, which frees after the same grace
/// period but makes every attached vma hold a reference on every tree policy (Figure 3's counts, and an
/// attach and a detach that cost a get or put per tree policy): vma-rcu has Figure 1's counts and O(1)
/// attach and detach. On the snapshot tree it is Babka's design whole: no lock and no reference.
/// </summary>
internal static class VmaRcuScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.VmaRcu,
        Name = "vma-rcu",
        Summary = "kfree_rcu of policies (mainline 2026, Babka 2015): faults take no reference, frees wait a grace period",
        FaultRef = FaultRef.None,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.GracePeriod,
        Safety = SafetyClaim.Claims,
        Scalable = true,
    };
}
