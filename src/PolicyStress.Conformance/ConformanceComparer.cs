namespace PolicyStress.Conformance;

/// <summary>Compares two fact lists key by key; a fact only one side has is a difference too.</summary>
internal static class ConformanceComparer
{
    public const string Missing = "(none)";

    public static List<(string What, string Kernel, string Engine)> Diff(List<(string Key, string Value)> kernel, List<(string Key, string Value)> engine)
    {
        var e = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in engine) e[k] = v;
        var diffs = new List<(string, string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (k, v) in kernel)
        {
            seen.Add(k);
            string ev = e.GetValueOrDefault(k, Missing);
            if (ev != v) diffs.Add((k, v, ev));
        }
        foreach (var (k, v) in engine)
            if (!seen.Contains(k)) diffs.Add((k, Missing, v));
        return diffs;
    }
}
