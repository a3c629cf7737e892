using System.Globalization;
using PolicyStress.Cli.Compare;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// `policystress compare` output: a provenance line per file, a warning line per setting that differs, how the
/// verdicts are decided, a table per workload, a closing count of the verdicts.
/// </summary>
internal static class CompareTable
{
    public static void Write(IAnsiConsole console, CompareReport report)
    {
        // Plain lines go to the console's writer: Spectre would wrap them at the profile width.
        var w = console.Profile.Out.Writer;
        w.WriteLine(Provenance("base", report.Base));
        w.WriteLine(Provenance("new ", report.New));
        foreach (var warning in report.Warnings) w.WriteLine(warning);
        var s = report.Settings;
        string direction = s.LowerIsBetter ? "lower is better" : "higher is better";
        string threshold = Percent(s.Threshold);
        w.WriteLine($"verdicts: Mann-Whitney equivalence test (alpha 0.05) against ±{threshold}, noise floor {s.NoiseNs.ToString("0.###", CultureInfo.InvariantCulture)} ns " +
                    $"per operation; ≥ {SampleTest.MinSamples} samples a side, from reps or else from per-interval rates (not independent)");
        foreach (var byWorkload in report.Configs.GroupBy(c => c.Key.Workload))
        {
            var labels = Labels(byWorkload.Select(c => c.Key).ToList());
            var table = new Table().Title(Markup.Escape($"{byWorkload.Key}: {s.Metric}, median (min..max); {direction}; threshold {threshold}"))
                .AddColumn("configuration")
                .AddColumn(new TableColumn("base").RightAligned())
                .AddColumn(new TableColumn("new").RightAligned())
                .AddColumn(new TableColumn("new/base [[95% CI]]").RightAligned())
                .AddColumn(new TableColumn("samples").RightAligned())
                .AddColumn("verdict")
                .AddColumn("findings")
                .AddColumn("note");
            foreach (var c in byWorkload)
            {
                table.AddRow(
                    Markup.Escape(labels[c.Key]),
                    Markup.Escape(Side(c.Base, s.Metric)),
                    Markup.Escape(Side(c.New, s.Metric)),
                    Markup.Escape(c.Effect is { } e ? EffectText(e) : "-"),
                    Markup.Escape(Samples(c)),
                    VerdictMarkup(c.Verdict),
                    Findings(c),
                    Markup.Escape(c.Note));
            }
            console.Write(table);
        }
        w.WriteLine(Summary(report));
    }

    public static string VerdictText(Verdict v) => v switch
    {
        Verdict.Faster => "faster",
        Verdict.Slower => "slower",
        Verdict.Same => "same",
        Verdict.Undecided => "undecided",
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
                      $"{r.Count(Verdict.Same)} same, {r.Count(Verdict.Undecided)} undecided";
        if (r.Count(Verdict.NoValue) > 0) text += $", {r.Count(Verdict.NoValue)} without a value";
        if (r.Count(Verdict.OnlyInBase) > 0) text += $", {r.Count(Verdict.OnlyInBase)} only in base";
        if (r.Count(Verdict.OnlyInNew) > 0) text += $", {r.Count(Verdict.OnlyInNew)} only in new";
        if (r.NewAuditFailures > 0) text += $"; {r.NewAuditFailures} newly failed their audit";
        return text + $" (exit {r.ExitCode})";
    }

    /// <summary>"0.95x [0.93, 0.97]"; the interval is omitted when a side has too few values for one.</summary>
    public static string EffectText(Effect e) =>
        double.IsInfinity(e.Ratio) ? "inf"
        : double.IsNaN(e.Lower) ? Numbers.Ratio(e.Ratio)
        : $"{Numbers.Ratio(e.Ratio)} [{e.Lower.ToString("0.00", CultureInfo.InvariantCulture)}, {e.Upper.ToString("0.00", CultureInfo.InvariantCulture)}]";

    /// <summary>
    /// A short name per configuration: scheme, lock and tasks always; bugs and threads per mm where they are not
    /// the default; the other key columns only where they vary within the table.
    /// </summary>
    public static Dictionary<ConfigKey, string> Labels(IReadOnlyList<ConfigKey> keys)
    {
        string[] always = ["workload", "scheme", "sp_lock", "tasks", "bugs", "threads_per_mm"];
        var varying = CompareColumns.Key.Where(c => !always.Contains(c) && keys.Select(k => k[c]).Distinct().Count() > 1).ToList();
        var labels = new Dictionary<ConfigKey, string>();
        foreach (var k in keys)
        {
            string l = $"{k.Scheme} {k.SpLock}" + (k["bugs"] != Harness.Results.SchemeSpelling.NoBugs ? $" bugs={k["bugs"]}" : "") + $" tasks={k.Tasks}";
            if (k["threads_per_mm"] != "1") l += $" threads-per-mm={k["threads_per_mm"]}";
            foreach (var c in varying) l += $" {c}={k[c]}";
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
        { Values.Length: 0 } => "empty",
        { Values.Length: 1 } v => Value(metric, v.Values[0]),
        var v => $"{Value(metric, v.Median)} ({Value(metric, v.Values.Min())}..{Value(metric, v.Values.Max())})",
    };

    private static string Samples(ConfigComparison c)
    {
        static string Source(SampleSource s) => s == SampleSource.Reps ? "reps" : "intervals";
        if (c.Base is not { } b || c.New is not { } n) return "-";
        return b.Source == n.Source
            ? $"{b.Values.Length} / {n.Values.Length} {Source(b.Source)}"
            : $"{b.Values.Length} {Source(b.Source)} / {n.Values.Length} {Source(n.Source)}";
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

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
