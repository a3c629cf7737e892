using System.Globalization;
using PolicyStress.Cli.Scaling;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// The suite's scaling section: per workload, a row per scheme and tree lock with will-it-scale's scalability
/// (at ≥ 3 task counts) and the Universal Scalability Law fit (at ≥ 4): σ, κ, the peak task count and the
/// fit's residual. With fewer task counts it says in one line why the figures are absent.
/// </summary>
internal static class ScalingTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var curves = Curves.From([.. points.Select(p => p.Row)]);
        if (curves.Count == 0) return;
        int taskCounts = curves.Max(c => c.Points.Count);
        var w = console.Profile.Out.Writer;
        if (Curve.Missing(taskCounts) is { } why) w.WriteLine($"scaling: {why}");
        if (taskCounts < Curve.MinScalabilityPoints) return;
        foreach (var byWorkload in curves.GroupBy(c => c.Workload))
        {
            var table = new Table().Title(Markup.Escape($"{byWorkload.Key}: scaling of faults/s (scalability = at most tasks / linear from fewest; USL fit)"))
                .AddColumn("scheme").AddColumn("lock").AddColumn("tasks")
                .AddColumn(new TableColumn("scalability").RightAligned())
                .AddColumn(new TableColumn("σ contention").RightAligned())
                .AddColumn(new TableColumn("κ coherency").RightAligned())
                .AddColumn(new TableColumn("peak tasks").RightAligned())
                .AddColumn(new TableColumn("fit residual").RightAligned());
            foreach (var c in byWorkload.OrderBy(c => c.SpLock, StringComparer.Ordinal).ThenBy(c => c.Series, StringComparer.Ordinal))
            {
                var usl = c.Usl;
                table.AddRow(
                    Markup.Escape(c.Series), Markup.Escape(c.SpLock), Markup.Escape($"{c.Points[0].Tasks}..{c.Points[^1].Tasks}"),
                    c.Scalability is { } s ? F(s, "0.00") : "-",
                    usl is null ? "-" : F(usl.Sigma, "0.####"),
                    usl is null ? "-" : F(usl.Kappa, "G2"),
                    usl is null ? "-" : Markup.Escape(Curve.PeakText(usl, c.Points[^1].Tasks)),
                    usl is null ? "-" : F(usl.Residual * 100, "0.0") + "%");
            }
            console.Write(table);
        }
    }

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}
