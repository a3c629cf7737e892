namespace PolicyStress.Engine.Refcounting.Schemes;

/// <summary>
/// No reference counting and nothing freed during the run: every removed policy is parked until the object
/// is torn down. Not a kernel design but the ceiling a scheme's read side can approach (synchrobench's
/// unsynchronised baseline). Unsafe by construction, though it never frees under a reader.
/// </summary>
internal static class NoneScheme
{
    public static readonly SchemeDefinition Definition = new()
    {
        Kind = RefScheme.None,
        Name = "none",
        Summary = "no reference counts and nothing freed during the run: the read-side ceiling",
        FaultRef = FaultRef.None,
        Attach = AttachRule.Nothing,
        Replace = ReplaceRule.Park,
        Frees = FreeRule.AtZero,
        Safety = SafetyClaim.DoesNot,
        HeldText = "parked",
    };
}
