namespace PolicyStress.Harness.Workloads;

/// <summary>
/// <c>--policy</c>: what the workload's setup installs on its segments. <see cref="Interleave"/> is the
/// mbind(MPOL_INTERLEAVE) over every memory node that pft -S -p and will-it-scale's policy variant make;
/// <see cref="None"/> makes no mbind at all, so the shared policy tree stays empty and every fault takes
/// the kernel's empty-tree fast path (mpol_shared_policy_lookup: "if (!sp->root.rb_node) return NULL"),
/// with no lock and no reference.
/// </summary>
public enum PolicyKind
{
    /// <summary>mbind(MPOL_INTERLEAVE, all memory nodes) over each faulted segment (storm: its sub-range policies).</summary>
    Interleave,
    /// <summary>No mbind: the faulters' segments have no shared policy (churn's installer still installs its own).</summary>
    None,
}

/// <summary>The spellings of <see cref="PolicyKind"/> in the CLI and the CSV.</summary>
public static class PolicyNames
{
    public static readonly (string Name, PolicyKind Value)[] All = [("interleave", PolicyKind.Interleave), ("none", PolicyKind.None)];

    public static string Name(PolicyKind k) => Array.Find(All, x => x.Value == k).Name;

    public static bool TryParse(string s, out PolicyKind kind)
    {
        foreach (var (n, v) in All)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = v; return true; }
        kind = default;
        return false;
    }
}
