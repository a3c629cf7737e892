namespace PolicyStress.Harness.Workloads;

/// <summary>The spellings of workloads in the CLI and the CSV.</summary>
public static class WorkloadNames
{
    public static readonly (string Name, WorkloadKind Value)[] All =
        [("pft", WorkloadKind.Pft), ("wis", WorkloadKind.Wis), ("storm", WorkloadKind.Storm), ("churn", WorkloadKind.Churn)];

    public static string Name(WorkloadKind k) => Array.Find(All, x => x.Value == k).Name;

    public static bool TryParse(string s, out WorkloadKind kind)
    {
        foreach (var (n, v) in All)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = v; return true; }
        kind = default;
        return false;
    }
}
