using System.Globalization;
using PolicyStress.Cli.Compare;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// `policystress compare` output: a provenance line per file (and a warning when the machines differ), a
/// table per workload, a closing count of the verdicts.
/// </summary>
internal static class CompareTable
{
    public static void Write(IAnsiConsole console, CompareReport report)
    {
        // Plain lines go to the console's writer: Spectre would wrap them at the profile width.
        var w = console.Profile.Out.Writer;
        w.WriteLine(Provenance("base", report.Base));
        w.WriteLine(Provenance("new ", report.New));
        if (report.HostsDiffer || report.CpuModelsDiffer)
        {
            var what = new List<string>();
            if (report.HostsDiffer) what.Add($"hosts ({report.Base.Host} vs {report.New.Host})");
            if (report.CpuModelsDiffer) what.Add($"CPU models ({report.Base.CpuModel} vs {report.New.CpuModel})");
            w.WriteLine($"warning: different {string.Join(" and ", what)}: the ratios mix machine and code differences");
        }
        var s = report.Settings;
        string direction = s.LowerIsBetter ? "lower is better" : "higher is better";
        string threshold = (s.Threshold * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        foreach (var byWorkload in report.Configs.GroupBy(c => c.Key.Workload))
        {
            var labels = Labels(byWorkload.Select(c => c.Key).ToList());
            var table = new Table().Title(Markup.Escape($"{byWorkload.Key}: {s.Metric}, median of reps (min..max); {direction}; threshold {threshold}"))
                .AddColumn("configuration")
                .AddColumn(new TableColumn("base").RightAligned())
                .AddColumn(new TableColumn("new").RightAligned())
                .AddColumn(new TableColumn("new/base").RightAligned())
                .AddColumn("verdict")
                .AddColumn("findings base → new");
            foreach (var c in byWorkload)
            {
                table.AddRow(
                    Markup.Escape(labels[c.Key]),
                    Markup.Escape(Side(c.Base, s.Metric)),
                    Markup.Escape(Side(c.New, s.Metric)),
                    Markup.Escape(c.Ratio is { } r ? (double.IsInfinity(r) ? "inf" : Numbers.Ratio(r)) : "-"),
                    VerdictMarkup(c.Verdict),
                    Findings(c));
            }
            console.Write(table);
        }
        w.WriteLine(Summary(report));
    }

    public static string VerdictText(Verdict v) => v switch
    {
        Verdict.Faster => "faster",
        Verdict.Slower => "slower",
        Verdict.LikelyFaster => "faster?",
        Verdict.LikelySlower => "slower?",
        Verdict.Same => "same",
        Verdict.OnlyInBase => "only in base",
        Verdict.OnlyInNew => "only in new",
        Verdict.NoValue => "no value",
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    public static string Provenance(string role, FileProvenance p) =>
        $"{role}: {p.Path}: commit {p.GitCommit}{(p.GitDirty ? "+dirty" : "")}, host {p.Host}, {p.CpuModel}, " +
        $"{p.LogicalCpus} logical CPUs, kernel {p.KernelRelease}; {p.Rows} rows";

    public static string Summary(CompareReport r)
    {
        string text = $"compare: {r.Configs.Count} configurations: {r.Count(Verdict.Faster)} faster, {r.Count(Verdict.Slower)} slower, " +
                      $"{r.Count(Verdict.Same)} same";
        if (r.Count(Verdict.LikelyFaster) + r.Count(Verdict.LikelySlower) > 0)
            text += $", {r.Count(Verdict.LikelyFaster)} faster? and {r.Count(Verdict.LikelySlower)} slower? on single reps (use --reps 3 to decide)";
        if (r.Count(Verdict.NoValue) > 0) text += $", {r.Count(Verdict.NoValue)} without a value";
        if (r.Count(Verdict.OnlyInBase) > 0) text += $", {r.Count(Verdict.OnlyInBase)} only in base";
        if (r.Count(Verdict.OnlyInNew) > 0) text += $", {r.Count(Verdict.OnlyInNew)} only in new";
        if (r.NewAuditFailures > 0) text += $"; {r.NewAuditFailures} failed their audit in new";
        return text + $" (exit {r.ExitCode})";
    }

    /// <summary>
    /// A short name per configuration: scheme, lock and tasks always; the other key columns only where they
    /// are not the default (bugs, threads per mm) or vary within the table.
    /// </summary>
    public static Dictionary<ConfigKey, string> Labels(IReadOnlyList<ConfigKey> keys)
    {
        bool Varies(Func<ConfigKey, string> f) => keys.Select(f).Distinct().Count() > 1;
        bool placement = Varies(k => k.Placement), nodes = Varies(k => k.TopologyNodes),
             pages = Varies(k => k.PagesPerTask), rate = Varies(k => k.MbindRate);
        var labels = new Dictionary<ConfigKey, string>();
        foreach (var k in keys)
        {
            string l = $"{k.Scheme} {k.SpLock}" + (k.Bugs != "none" ? $" bugs={k.Bugs}" : "") + $" tasks={k.Tasks}";
            if (k.ThreadsPerMm != "1") l += $" threads-per-mm={k.ThreadsPerMm}";
            if (placement) l += $" placement={k.Placement}";
            if (nodes) l += $" nodes={k.TopologyNodes}";
            if (pages) l += $" pages={k.PagesPerTask}";
            if (rate) l += $" mbind-rate={k.MbindRate}";
            labels[k] = l;
        }
        return labels;
    }

    public static string Value(string metric, double v) =>
        metric.EndsWith("_ns", StringComparison.Ordinal) ? Numbers.Ns(v)
        : Math.Abs(v) >= 1e3 ? Numbers.Rate(v)
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Side(SideSummary? side, string metric) => side switch
    {
        null => "-",
        { Value: null } => "empty",
        { Value: { Reps: 1 } v } => Value(metric, v.Median),
        { Value: var v } => $"{Value(metric, v.Median)} ({Value(metric, v.Min)}..{Value(metric, v.Max)})",
    };

    private static string VerdictMarkup(Verdict v)
    {
        string text = Markup.Escape(VerdictText(v));
        return v switch
        {
            Verdict.Faster => $"[green]{text}[/]",
            Verdict.Slower => $"[red]{text}[/]",
            Verdict.OnlyInBase or Verdict.OnlyInNew => $"[yellow]{text}[/]",
            _ => text,
        };
    }

    private static string Findings(ConfigComparison c)
    {
        string b = c.Base is null ? "-" : c.Base.Findings.ToString(CultureInfo.InvariantCulture);
        string n = c.New is null ? "-" : c.New.Findings.ToString(CultureInfo.InvariantCulture);
        string text = Markup.Escape($"{b} → {n}");
        return c.New is { AuditFailed: true } ? text + " [red]AUDIT FAILED[/]" : text;
    }
}
