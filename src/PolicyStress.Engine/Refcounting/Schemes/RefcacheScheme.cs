namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// Refcache (Clements, Kaashoek, Zeldovich, "RadixVM: Scalable address spaces for multithreaded
/// applications", EuroSys 2013; sv6): a fault's get and put are +1 and −1 in a small delta cache owned by
/// its core (here: its task, which the harness pins to one CPU), so no shared line is written; each core
/// flushes its deltas into the true counts once per epoch (here: at its first quiescent point of a new
/// epoch); a policy whose true count reached zero is reviewed and freed only once it has stayed zero across
/// two epochs.
/// </summary>
internal static class RefcacheScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.Refcache,
        Name = "refcache",
        Summary = "Refcache (RadixVM 2013): per-core delta caches flushed each epoch; freed after two epochs at zero",
        FaultRef = FaultRef.Refcache,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.PutTreeReference,
        Frees = FreeRule.TwoEpochs,
        Safety = SafetyClaim.Claims,
        Scalable = true,
        WaitText = "waits two epochs",
    };
}
