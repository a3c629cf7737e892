namespace PolicyStress.Engine.Refcounting;

/// <summary>The auditor's findings for one run: every counter is a bug the model caught, except
/// <see cref="Waiting"/>/<see cref="WaitingPeak"/>, which measure deferred frees.</summary>
public readonly record struct AuditTotals(
    long Uaf, long Underflow, long StaticPuts, long DoubleFree, long Leaked, long TreeErrors,
    long RefMismatch, long Waiting, long WaitingPeak, long Freed)
{
    public long Findings => Uaf + Underflow + StaticPuts + DoubleFree + Leaked + TreeErrors + RefMismatch;

    /// <summary>The one-line summary the harness prints and the tests grep.</summary>
    public override string ToString() =>
        $"audit: uaf={Uaf} underflow={Underflow} static_puts={StaticPuts} double_free={DoubleFree} " +
        $"leaked={Leaked} tree_errors={TreeErrors} ref_mismatch={RefMismatch} waiting_peak={WaitingPeak} freed={Freed}";
}
