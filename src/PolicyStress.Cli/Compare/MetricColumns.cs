using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Compare;

/// <summary>The schema columns <c>--metric</c> accepts: every column whose values are numbers.</summary>
internal static class MetricColumns
{
    public const string Default = "faults_per_s";

    /// <summary>Text, boolean and list columns.</summary>
    internal static readonly HashSet<string> NotNumeric =
    [
        "utc_start", "git_commit", "git_dirty", "host", "os", "kernel_release", "cpu_model", "topology", "allowed_cpus",
        "dotnet_version", "gc_mode", "tiered_compilation", "tiered_pgo", "workload", "scheme", "sp_lock", "bugs",
        "placement", "cpus", "observed_cpus", "claims_safety", "audit_failed", "interval_faults_per_s",
    ];

    public static IEnumerable<string> All => CsvSchema.Columns.Select(c => c.Name).Where(n => !NotNumeric.Contains(n));

    public static bool IsNumeric(string column) => All.Contains(column, StringComparer.Ordinal);
}
