namespace PolicyStress.Engine.Refcounting;

/// <summary>The auditor's findings for one run: every counter is a bug the model caught, except
/// <see cref="Waiting"/>/<see cref="WaitingPeak"/>, which measure deferred frees.</summary>
public readonly record struct AuditTotals(
    long Uaf, long Underflow, long StaticPuts, long DoubleFree, long Leaked, long TreeErrors,
    long RefMismatch, long Waiting, long WaitingPeak, long Freed)
{
    /// <summary>Policies that waited to be freed and were freed.</summary>
    public long Waited { get; init; }
    /// <summary>How long they waited, by the clock the harness injected (NaN without one).</summary>
    public double WaitMeanUs { get; init; } = double.NaN;
    public double WaitMaxUs { get; init; } = double.NaN;

    public long Findings => Uaf + Underflow + StaticPuts + DoubleFree + Leaked + TreeErrors + RefMismatch;

    /// <summary>The one-line summary the harness prints and the tests grep.</summary>
    public override string ToString() =>
        $"audit: uaf={Uaf} underflow={Underflow} static_puts={StaticPuts} double_free={DoubleFree} " +
        $"leaked={Leaked} tree_errors={TreeErrors} ref_mismatch={RefMismatch} waiting_peak={WaitingPeak} freed={Freed}" +
        (Waiting > 0 ? $" still_waiting={Waiting}" : "") +
        (Waited > 0 && !double.IsNaN(WaitMeanUs)
            ? FormattableString.Invariant($" waited={Waited} wait_mean_us={WaitMeanUs:0.#} wait_max_us={WaitMaxUs:0.#}")
            : "");
}
