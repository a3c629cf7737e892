using System.Globalization;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Cli;

/// <summary>Comma lists, durations and the other values System.CommandLine leaves as text.</summary>
internal static class OptionParsing
{
    /// <summary>Split "a,b c" style values (commas or several tokens) into items.</summary>
    public static string[] Items(IEnumerable<string>? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    public static int[] PositiveInts(IEnumerable<string>? values, string option)
    {
        var items = Items(values);
        if (items.Length == 0) throw new UsageException($"{option}: no value; accepted: positive integers, comma-separated (e.g. 1,2,4)");
        return [.. items.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new UsageException($"{option}: '{s}' is not a positive integer; accepted: e.g. 1,2,4"))];
    }

    public static WorkloadKind Workload(string s) =>
        WorkloadNames.TryParse(s, out var k) ? k
            : throw new UsageException($"--workload: unknown value '{s}'; accepted: {string.Join(", ", WorkloadNames.All.Select(w => w.Name))}");

    public static Placement Placement(string s)
    {
        try { return Harness.Topology.Placement.Parse(s); }
        catch (TopologyException e) { throw new UsageException($"--placement: {e.Message}"); }
    }

    /// <summary>"3s", "200ms", "1.5s", "2m", a bare number of seconds, or a TimeSpan ("00:00:03"); zero
    /// only where <paramref name="allowZero"/> (a warm-up may be skipped, a measurement may not).</summary>
    public static TimeSpan Duration(string s, string option, bool allowZero = false)
    {
        string t = s.Trim();
        double scale = 1;
        if (t.EndsWith("ms", StringComparison.OrdinalIgnoreCase)) { scale = 0.001; t = t[..^2]; }
        else if (t.EndsWith('s')) t = t[..^1];
        else if (t.EndsWith('m')) { scale = 60; t = t[..^1]; }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && (v > 0 || (allowZero && v == 0)) && !double.IsInfinity(v))
            return TimeSpan.FromSeconds(v * scale);
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts) && (ts > TimeSpan.Zero || (allowZero && ts == TimeSpan.Zero))) return ts;
        throw new UsageException($"{option}: '{s}' is not a duration; accepted: e.g. 3s, 200ms, 1m, 00:00:03");
    }

    public static Engine.Refcounting.Bugs2007 Bugs(IEnumerable<string>? values)
    {
        var b = Engine.Refcounting.Bugs2007.None;
        foreach (var s in Items(values))
        {
            if (s.Equals("none", StringComparison.OrdinalIgnoreCase)) continue;
            if (s.Equals("all", StringComparison.OrdinalIgnoreCase)) { b |= Engine.Refcounting.Bugs2007.All; continue; }
            b |= SchemeNames.ParseBug(s);
        }
        return b;
    }
}
