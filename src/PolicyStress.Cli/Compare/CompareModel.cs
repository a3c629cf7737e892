namespace PolicyStress.Cli.Compare;

/// <summary>What a configuration's metric did between the two files.</summary>
internal enum Verdict
{
    /// <summary>Equivalent: no significant change beyond the threshold, and the ratio's 95% CI lies within it.</summary>
    Same,
    Faster,
    Slower,
    /// <summary>Too few samples (fewer than <see cref="SampleTest.MinSamples"/> a side), or a CI too wide to call it the same.</summary>
    Undecided,
    OnlyInBase,
    OnlyInNew,
    /// <summary>A side has no value for the metric (empty cells, e.g. <c>wait_mean_us</c> when nothing waited).</summary>
    NoValue,
}

/// <summary>
/// The columns that name a configuration (<see cref="CompareColumns.Key"/>): rows of two files with equal keys
/// measured the same thing (provenance, reps and measurements aside).
/// </summary>
internal sealed class ConfigKey(IReadOnlyList<string> values) : IEquatable<ConfigKey>
{
    private readonly string[] _values = [.. values];

    public string this[string column] => _values[Array.IndexOf(CompareColumns.Key, column)];
    public string Workload => this["workload"];
    public string Scheme => this["scheme"];
    public string SpLock => this["sp_lock"];
    public string Tasks => this["tasks"];

    public bool Equals(ConfigKey? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);
    public override bool Equals(object? obj) => Equals(obj as ConfigKey);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _values) h.Add(v);
        return h.ToHashCode();
    }
}

/// <summary>Where a side's samples came from.</summary>
internal enum SampleSource
{
    /// <summary>One value per row (repetition): independent runs.</summary>
    Reps,
    /// <summary>Each row's per-interval rates: more values, but intervals of one process are not independent.</summary>
    Intervals,
}

/// <summary>One file's rows of one configuration: the metric's samples, their source, and the audit.</summary>
/// <param name="Values">the samples; empty when no row had a value for the metric.</param>
/// <param name="Source">whether the samples are the reps or the rows' intervals.</param>
/// <param name="Findings">auditor findings summed over the rows.</param>
/// <param name="AuditFailed">a row's scheme claims safety and had findings.</param>
/// <param name="Rows">the file's rows of the configuration (its reps).</param>
internal sealed record SideSummary(double[] Values, SampleSource Source, long Findings, bool AuditFailed, int Rows)
{
    public double Median => SampleTest.Median(Values);
}

/// <summary>new / base of the medians with its 95% confidence interval.</summary>
/// <param name="Ratio">new median / base median; +∞ when only the base median is 0.</param>
/// <param name="Lower">the interval's lower end; NaN when a side has too few values for one.</param>
/// <param name="Upper">the interval's upper end; NaN likewise.</param>
internal sealed record Effect(double Ratio, double Lower, double Upper);

/// <summary>One configuration of the two files, compared.</summary>
/// <param name="Key">the configuration.</param>
/// <param name="Base">the base file's rows of it; null when it has none.</param>
/// <param name="New">the new file's rows of it; null when it has none.</param>
/// <param name="Effect">null when a side is missing or has no value.</param>
/// <param name="Verdict">faster, slower, same or undecided, by <see cref="SampleTest"/>.</param>
/// <param name="Note">why a verdict is undecided, and modality notes for multimodal sides; empty when none.</param>
internal sealed record ConfigComparison(ConfigKey Key, SideSummary? Base, SideSummary? New, Effect? Effect, Verdict Verdict, string Note);

/// <summary>Where a file's numbers came from (its first row).</summary>
internal sealed record FileProvenance(
    string Path, string GitCommit, bool GitDirty, string Host, string CpuModel, string LogicalCpus, string KernelRelease, int Rows);

/// <summary>How compare decides.</summary>
/// <param name="Metric">the column compared.</param>
/// <param name="Threshold">smallest relative change that counts (0.05 = 5%).</param>
/// <param name="NoiseNs">noise floor: a change below it in time per operation is the same, however significant.</param>
internal sealed record CompareSettings(string Metric, double Threshold, double NoiseNs)
{
    /// <summary>Latencies (<c>_ns</c>) and waiting times (<c>_us</c>): lower is better.</summary>
    public bool LowerIsBetter => Metric.EndsWith("_ns", StringComparison.Ordinal) || Metric.EndsWith("_us", StringComparison.Ordinal);
}

internal sealed record CompareReport(
    CompareSettings Settings, FileProvenance Base, FileProvenance New, IReadOnlyList<string> Warnings, IReadOnlyList<ConfigComparison> Configs)
{
    public const int ExitOk = 0;
    public const int ExitRegression = 1;

    public int Count(Verdict v) => Configs.Count(c => c.Verdict == v);

    /// <summary>Configurations that fail their audit in the new file and did not in the base (or were not there).</summary>
    public int NewAuditFailures => Configs.Count(c => c.New is { AuditFailed: true } && c.Base is not { AuditFailed: true });

    /// <summary>1 when a configuration is significantly slower beyond the threshold, or newly fails its audit; else 0.</summary>
    public int ExitCode => Count(Verdict.Slower) > 0 || NewAuditFailures > 0 ? ExitRegression : ExitOk;
}
