using PolicyStress.Engine;

namespace PolicyStress.Harness.Running;

/// <summary>The spellings of <see cref="FaultCostKind"/> in the CLI and the CSV.</summary>
public static class FaultCostNames
{
    public static readonly (string Name, FaultCostKind Value)[] All = [("isolated", FaultCostKind.Isolated), ("kernel", FaultCostKind.Kernel)];

    public static string Name(FaultCostKind k) => Array.Find(All, x => x.Value == k).Name;

    public static bool TryParse(string s, out FaultCostKind kind)
    {
        foreach (var (n, v) in All)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = v; return true; }
        kind = default;
        return false;
    }
}
