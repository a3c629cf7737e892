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
    /// <summary>Median and 99th percentile of the waits (rcuscale's grace-period percentiles), NaN without a clock.</summary>
    public double WaitP50Us { get; init; } = double.NaN;
    public double WaitP99Us { get; init; } = double.NaN;
    /// <summary>Kernel memory the waiting policies held at the peak and at the end (<see cref="Kernel.MempolicyBytes"/> each, plus per-CPU counters).</summary>
    public long HeldPeakBytes { get; init; }
    public long HeldEndBytes { get; init; }
    /// <summary>percpu-ref: the per-CPU counter bytes each policy costs (8 per CPU); 0 for other schemes.</summary>
    public long PercpuBytesPerPolicy { get; init; }
    /// <summary>hazptr: scans of the hazard slots, slots read, and the mean scan in ns (NaN without a clock).</summary>
    public long Scans { get; init; }
    public long ScanSlots { get; init; }
    public double ScanMeanNs { get; init; } = double.NaN;

    public long Findings => Uaf + Underflow + StaticPuts + DoubleFree + Leaked + TreeErrors + RefMismatch;

    /// <summary>The one-line summary the harness prints and the tests grep.</summary>
    public override string ToString() =>
        $"audit: uaf={Uaf} underflow={Underflow} static_puts={StaticPuts} double_free={DoubleFree} " +
        $"leaked={Leaked} tree_errors={TreeErrors} ref_mismatch={RefMismatch} waiting_peak={WaitingPeak} freed={Freed}" +
        (Waiting > 0 ? $" still_waiting={Waiting}" : "") +
        (Waited > 0 && !double.IsNaN(WaitMeanUs)
            ? FormattableString.Invariant($" waited={Waited} wait_mean_us={WaitMeanUs:0.#} wait_max_us={WaitMaxUs:0.#} wait_p50_us={WaitP50Us:0.#} wait_p99_us={WaitP99Us:0.#}")
            : "") +
        (Scans > 0 ? FormattableString.Invariant($" hazard_scans={Scans} slots_per_scan={(double)ScanSlots / Scans:0.#}") : "");
}
