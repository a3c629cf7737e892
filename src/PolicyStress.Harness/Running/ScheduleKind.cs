namespace PolicyStress.Harness.Running;

/// <summary><c>--schedule</c>: how the engine's faulting tasks free their pages between passes.</summary>
public enum ScheduleKind
{
    /// <summary>Each task faults its pass and frees it (MADV_REMOVE) at once, inside the timed window.</summary>
    Inline,
    /// <summary>
    /// pft's and the kernel backend's schedule: every task faults a pass, a barrier, the pages are freed
    /// outside the timed window, a barrier; rates count fault phases only, and <c>free_s</c> the freeing.
    /// </summary>
    Barrier,
}

/// <summary>The spellings of <see cref="ScheduleKind"/> in the CLI and the CSV.</summary>
public static class ScheduleNames
{
    public static readonly (string Name, ScheduleKind Value)[] All = [("inline", ScheduleKind.Inline), ("barrier", ScheduleKind.Barrier)];

    public static string Name(ScheduleKind k) => Array.Find(All, x => x.Value == k).Name;

    public static bool TryParse(string s, out ScheduleKind kind)
    {
        foreach (var (n, v) in All)
            if (string.Equals(n, s.Trim(), StringComparison.OrdinalIgnoreCase)) { kind = v; return true; }
        kind = default;
        return false;
    }
}
