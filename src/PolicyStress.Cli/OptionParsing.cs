using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PolicyStress.Harness.Topology;
using PolicyStress.Harness.Workloads;

namespace PolicyStress.Cli;

/// <summary>Comma lists, durations, integers and the other values whose errors must read like the rest.</summary>
internal static class OptionParsing
{
    /// <summary>
    /// Split "a,b c" style values (commas or several tokens) into items. An empty item ("1,,2", a trailing
    /// comma, "") is refused: it is a typo, not a request for fewer points.
    /// </summary>
    public static string[] Items(IEnumerable<string>? values, string option)
    {
        var items = new List<string>();
        foreach (string v in values ?? [])
            foreach (string item in v.Split(','))
            {
                string t = item.Trim();
                if (t.Length == 0) throw new UsageException($"{option}: empty item in '{v}'; accepted: a comma list without empty items (e.g. 1,2,4)");
                items.Add(t);
            }
        return [.. items];
    }

    public static int[] PositiveInts(IEnumerable<string>? values, string option)
    {
        var items = Items(values, option);
        if (items.Length == 0) throw new UsageException($"{option}: no value; accepted: positive integers, comma-separated (e.g. 1,2,4)");
        return [.. items.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
            ? v : throw new UsageException($"{option}: '{s}' is not a positive integer; accepted: e.g. 1,2,4"))];
    }

    /// <summary>
    /// An integer option in [<paramref name="min"/>, <paramref name="max"/>] whose bad values get the CLI's
    /// one-line error (the parser's own names a .NET type).
    /// </summary>
    public static Option<int> Int(string name, string description, int @default, int min = 1, int max = int.MaxValue) => new(name)
    {
        Description = description, DefaultValueFactory = _ => @default, CustomParser = r => ParseInt(r, name, min, max) ?? 0,
    };

    /// <summary>As <see cref="Int"/>, for an option whose absence means something (null when not given).</summary>
    public static Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue) => new(name)
    {
        Description = description, CustomParser = r => ParseInt(r, name, min, max),
    };

    private static int? ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string s = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(" ", r.Tokens.Select(t => t.Value));
        string accepted = max == int.MaxValue
            ? min switch { 1 => "a positive integer", 0 => "0 or a positive integer", int.MinValue => "an integer", _ => $"an integer from {min}" }
            : $"{min}-{max}";
        if (!int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v))
        {
            r.AddError($"{name}: '{s}' is not an integer; accepted: {accepted}");
            return null;
        }
        if (v < min || v > max)
        {
            r.AddError($"{name}: {v} is out of range; accepted: {accepted}");
            return null;
        }
        return v;
    }

    public static WorkloadKind Workload(string s) =>
        WorkloadNames.TryParse(s, out var k) ? k
            : throw new UsageException($"--workload: unknown value '{s}'; accepted: {string.Join(", ", WorkloadNames.All.Select(w => w.Name))}");

    public static Harness.Running.RunBackend Backend(string s) =>
        Harness.Running.BackendNames.TryParse(s, out Harness.Running.RunBackend b) ? b
            : throw new UsageException($"--backend: unknown value '{s}'; accepted: {string.Join(", ", Harness.Running.BackendNames.Backends.Select(x => x.Name))}");

    public static PolicyKind Policy(string s) =>
        PolicyNames.TryParse(s, out var k) ? k
            : throw new UsageException($"--policy: unknown value '{s}'; accepted: {string.Join(", ", PolicyNames.All.Select(p => p.Name))}");

    public static Engine.FaultCostKind FaultCost(string s) =>
        Harness.Running.FaultCostNames.TryParse(s, out var k) ? k
            : throw new UsageException($"--fault-cost: unknown value '{s}'; accepted: {string.Join(", ", Harness.Running.FaultCostNames.All.Select(p => p.Name))}");

    public static Harness.Running.PrivateWorkSetting PrivateWork(string s) =>
        Harness.Running.PrivateWorkSetting.TryParse(s, out var w) ? w
            : throw new UsageException($"--private-work: '{s}' is not auto, default or a whole number of nanoseconds; accepted: auto, default, N (e.g. 2500)");

    public static Harness.Running.ScheduleKind Schedule(string s) =>
        Harness.Running.ScheduleNames.TryParse(s, out var k) ? k
            : throw new UsageException($"--schedule: unknown value '{s}'; accepted: {string.Join(", ", Harness.Running.ScheduleNames.All.Select(p => p.Name))}");

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
        foreach (var s in Items(values, "--bug"))
        {
            if (s.Equals(Harness.Results.SchemeSpelling.NoBugs, StringComparison.OrdinalIgnoreCase)) continue;
            if (s.Equals("all", StringComparison.OrdinalIgnoreCase)) { b |= Engine.Refcounting.Bugs2007.All; continue; }
            b |= SchemeNames.ParseBug(s);
        }
        return b;
    }
}
