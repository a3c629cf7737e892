namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// percpu_ref (lib/percpu-refcount.c, Kent Overstreet 2013, 215e262f2aeb; the "managed percpu_ref" RFC of
/// Neeraj Upadhyay, 2024, reclaims from a worker the same way) as Figure 3 made safe: a fault's reference is
/// an add on its own CPU's slot, no shared line, like Figure 3's "no reference" in cost but held across the
/// use. sp_delete kills the ref (percpu_ref_kill: dead at once, so lock-free lookups' tryget_live fails;
/// switched to atomic mode — the slots summed into the count — after a grace period, call_rcu_hurry) and the
/// last put frees it. Each policy costs sizeof(unsigned long) per possible CPU of per-CPU memory
/// (<see cref="PercpuRef.KernelBytesPerPolicy"/>).
/// </summary>
internal static class PercpuRefScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.PercpuRef,
        Name = "percpu-ref",
        Summary = "percpu_ref: a fault adds on its CPU's slot; sp_delete kills, atomic after a grace period, last put frees",
        FaultRef = FaultRef.PerCpu,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.PercpuKill,
        Safety = SafetyClaim.Claims,
        Scalable = true,
        WaitText = "killed; atomic after a grace period",
    };
}
