namespace PolicyStress.Harness.Workloads;

/// <summary>The spellings of workloads in the CLI and the CSV, and what each one measures.</summary>
public static class WorkloadNames
{
    public static readonly (string Name, WorkloadKind Value)[] All =
        [("pft", WorkloadKind.Pft), ("wis", WorkloadKind.Wis), ("storm", WorkloadKind.Storm), ("churn", WorkloadKind.Churn)];

    public static string Name(WorkloadKind k) => Array.Find(All, x => x.Value == k).Name;

    /// <summary>Two lines for help and README: what the tasks share, and what it models with its anchor.</summary>
    public static (string Shares, string Models) Describe(WorkloadKind k) => k switch
    {
        WorkloadKind.Pft => (
            "one SysV segment under one interleave policy, attached by every task; each task faults its own slice",
            "pft -S -p, Lameter's page-fault test as Schermerhorn extended it for the 2007 refcount A/B (mmtests pft-threads)"),
        WorkloadKind.Wis => (
            "nothing: each task faults its own segment under its own policy (with --threads-per-mm, the mm)",
            "will-it-scale page_fault3's layout: the control, which must scale with tasks under every scheme"),
        WorkloadKind.Storm => (
            "pft's segment with 64 sub-range policies (a deep tree), --storm-factor tasks per CPU, preempted in faults",
            "Zimmer's shared-policy storm: thousands of ranks on one tmpfs object (the rwlock of 4a8c7bb59ac8)"),
        WorkloadKind.Churn => (
            "pft's segment plus writers: an mbind installer replacing sub-ranges, attach/detach, set_mempolicy, numa_maps, SHM_HUGETLB",
            "the replace race that withdrew Figure 3 (6 Nov 2007) and the three 2007 bugs: where the auditor catches use-after-free"),
        _ => throw new ArgumentOutOfRangeException(nameof(k), k, null),
    };

    public static bool TryParse(string s, out WorkloadKind kind)
    {
        foreach (var (n, v) in All)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = v; return true; }
        kind = default;
        return false;
    }
}
