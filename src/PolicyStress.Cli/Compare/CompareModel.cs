namespace PolicyStress.Cli.Compare;

/// <summary>What a configuration's metric did between the two files.</summary>
internal enum Verdict
{
    /// <summary>Within the threshold, or the two sides' rep ranges overlap.</summary>
    Same,
    Faster,
    Slower,
    /// <summary>Beyond the threshold with a single rep on a side: no range shows the noise, so it is a hint
    /// ("faster?"/"slower?") that never fails a comparison. Run with <c>--reps 3</c> to decide.</summary>
    LikelyFaster,
    LikelySlower,
    OnlyInBase,
    OnlyInNew,
    /// <summary>A side has no value for the metric (empty cells, e.g. <c>wait_mean_us</c> when nothing waited).</summary>
    NoValue,
}

/// <summary>
/// The columns that name a configuration: rows of two files with equal keys measured the same thing
/// (provenance, reps and measurements aside).
/// </summary>
internal sealed record ConfigKey(
    string Workload, string Scheme, string SpLock, string Bugs, string Tasks, string ThreadsPerMm,
    string Placement, string TopologyNodes, string PagesPerTask, string MbindRate)
{
    public static readonly string[] Columns =
        ["workload", "scheme", "sp_lock", "bugs", "tasks", "threads_per_mm", "placement", "topology_nodes", "pages_per_task", "mbind_rate"];
}

/// <summary>The metric over one configuration's reps: median, range and how many reps had a value.</summary>
internal sealed record RepStats(double Median, double Min, double Max, int Reps);

/// <summary>One file's rows of one configuration.</summary>
/// <param name="Value">null when no rep had a value for the metric.</param>
/// <param name="Findings">auditor findings summed over the reps.</param>
/// <param name="AuditFailed">a rep's scheme claims safety and had findings.</param>
/// <param name="Rows">the file's rows of the configuration (its reps).</param>
internal sealed record SideSummary(RepStats? Value, long Findings, bool AuditFailed, int Rows);

/// <summary>One configuration of the two files, compared.</summary>
/// <param name="Key">the configuration.</param>
/// <param name="Base">the base file's rows of it; null when it has none.</param>
/// <param name="New">the new file's rows of it; null when it has none.</param>
/// <param name="Ratio">new median / base median; null when a side is missing or has no value;
/// +∞ when only the base median is 0.</param>
/// <param name="Verdict">faster, slower or the same, by the threshold and the ranges.</param>
internal sealed record ConfigComparison(ConfigKey Key, SideSummary? Base, SideSummary? New, double? Ratio, Verdict Verdict);

/// <summary>Where a file's numbers came from (its first row).</summary>
internal sealed record FileProvenance(
    string Path, string GitCommit, bool GitDirty, string Host, string CpuModel, string LogicalCpus, string KernelRelease, int Rows);

internal sealed record CompareSettings(string Metric, double Threshold)
{
    /// <summary>Latency columns (<c>*_ns</c>): a smaller value is the better one.</summary>
    /// <summary>Latencies (<c>_ns</c>) and waiting times (<c>_us</c>): lower is better.</summary>
    public bool LowerIsBetter => Metric.EndsWith("_ns", StringComparison.Ordinal) || Metric.EndsWith("_us", StringComparison.Ordinal);
}

internal sealed record CompareReport(
    CompareSettings Settings, FileProvenance Base, FileProvenance New, IReadOnlyList<ConfigComparison> Configs)
{
    public const int ExitOk = 0;
    public const int ExitRegression = 1;

    public bool HostsDiffer => Base.Host != New.Host;
    public bool CpuModelsDiffer => Base.CpuModel != New.CpuModel;

    public int Count(Verdict v) => Configs.Count(c => c.Verdict == v);

    /// <summary>Configurations whose new rows include one with audit_failed=true.</summary>
    public int NewAuditFailures => Configs.Count(c => c.New is { AuditFailed: true });

    /// <summary>1 when a configuration got slower or a new row failed its audit, else 0.</summary>
    public int ExitCode => Count(Verdict.Slower) > 0 || NewAuditFailures > 0 ? ExitRegression : ExitOk;
}
