using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Compare;

/// <summary>
/// The columns compare reads besides the metric, in one place: adding a column is adding a line. A column
/// named here that this build's schema lacks (one another change adds) is skipped until it exists.
/// </summary>
internal static class CompareColumns
{
    /// <summary>Columns that name a configuration: rows of two files with equal values measured the same thing.</summary>
    public static readonly string[] Key = Present(
    [
        "workload", "scheme", "sp_lock", "mmap_lock", "bugs", "tasks", "threads_per_mm", "placement", "topology_nodes",
        "pages_per_task", "mbind_rate", "backend", "policy", "fault_cost", "schedule",
    ]);

    /// <summary>
    /// Settings that change what a number means. Where the two files hold different values of one, compare
    /// prints a warning line: joined configurations are then not like for like (key columns among them
    /// explain configurations found in one file only).
    /// </summary>
    public static readonly (string Column, string What)[] Meaning = PresentPairs(
    [
        ("duration_s", "measured duration"), ("warmup_s", "warm-up"), ("interval_s", "interval length"),
        ("pages_per_task", "pages per task"), ("sample_every", "latency sampling"),
        ("backend", "backend"), ("policy", "policy"), ("fault_cost", "fault cost model"), ("mmap_lock", "mmap lock kinds"),
        ("host", "host"), ("cpu_model", "CPU model"), ("logical_cpus", "logical CPUs"), ("kernel_release", "kernel"),
        ("dotnet_version", ".NET version"), ("gc_mode", "GC mode"), ("tiered_compilation", "tiered compilation"),
        ("tiered_pgo", "tiered PGO"),
    ]);

    /// <summary>The column holding each row's per-interval rates, and the metric they sample.</summary>
    public const string Intervals = "interval_faults_per_s", IntervalMetric = "faults_per_s";

    private static bool Has(string column) => CsvSchema.Columns.Any(c => c.Name == column);

    private static string[] Present(string[] columns) => [.. columns.Where(Has)];

    private static (string, string)[] PresentPairs((string Column, string What)[] columns) => [.. columns.Where(c => Has(c.Column))];
}
