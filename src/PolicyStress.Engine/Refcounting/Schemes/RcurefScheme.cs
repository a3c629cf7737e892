namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// rcuref_t (Thomas Gleixner, v6.4: ee1ee6db0779 "atomics: Provide rcuref - scalable reference counting",
/// bc9d3a9f2afc "net: dst: Switch to rcuref_t reference counting") applied to the tree policies: a lookup
/// takes its reference with one unconditional add (atomic_add_negative_relaxed) instead of
/// atomic_inc_not_zero's CAS retry loop — the difference shows on the lock-free snapshot tree, where the
/// CAS loop retries under contention; under a tree lock both are one locked add. The put that drops the
/// last reference marks the count dead with one CAS (rcuref_put_slowpath), a get that lands on a dead count
/// fails, and the object is freed after a grace period, as rcuref objects must be.
/// </summary>
internal static class RcurefScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.Rcuref,
        Name = "rcuref",
        Summary = "rcuref_t (2023): lookup references by one unconditional add, dead mark on the last put, freed after a grace period",
        FaultRef = FaultRef.Rcuref,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.GracePeriod,
        Safety = SafetyClaim.Claims,
        Scalable = true,
        WaitText = "dead-marked; waits a grace period",
    };
}
