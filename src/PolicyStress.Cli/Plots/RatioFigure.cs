using PolicyStress.Cli.Compare;
using PolicyStress.Cli.ConsoleUi;
using ScottPlot;

namespace PolicyStress.Cli.Plots;

/// <summary>
/// Two result files compared (<see cref="ResultComparer"/>): a row per configuration found in both, its
/// new/base ratio with the 95% CI as a horizontal bar, coloured by the verdict, on a log scale (a halving and
/// a doubling are as far from 1); the dashed lines are the threshold.
/// </summary>
internal static class RatioFigure
{
    public const int RowHeight = 22;
    private static readonly double[] Ticks = [0.25, 0.5, 0.8, 0.9, 1, 1.1, 1.25, 2, 4];
    /// <summary>CIs are clipped to this range around 1 so that one wide interval does not squash the rest.</summary>
    private const double Clip = 4;

    public static (Plot Plot, int Height) Draw(CompareReport report, string footer)
    {
        var rows = report.Configs.Where(c => c.Effect is { } e && double.IsFinite(e.Ratio)).ToList();
        var plot = FigureStyle.New($"new / base of {report.Settings.Metric} with its 95% CI", "new / base (log scale)", "");
        static double X(double ratio) => Math.Log10(Math.Clamp(ratio, 1 / Clip, Clip));
        var labels = new List<string>();
        foreach (var byWorkload in rows.GroupBy(c => c.Key.Workload))
        {
            var names = CompareTable.Labels([.. byWorkload.Select(c => c.Key)]);
            foreach (var c in byWorkload)
            {
                double y = -labels.Count;
                var e = c.Effect!;
                labels.Add($"{c.Key.Workload} {names[c.Key]}" + (e.Ratio > Clip || e.Ratio < 1 / Clip ? $" ({Numbers.Ratio(e.Ratio)}, off scale)" : ""));
                var color = Color(c.Verdict);
                var dot = plot.Add.Scatter(X(e.Ratio), y, color);
                dot.MarkerSize = 8;
                if (double.IsFinite(e.Lower))
                    FigureStyle.ErrorBars(plot, [X(e.Ratio)], [y], [X(e.Upper) - X(e.Ratio)], [X(e.Ratio) - X(e.Lower)], null, null, color);
            }
        }
        double t = report.Settings.Threshold;
        plot.Add.VerticalLine(0, 1, Colors.Black);
        foreach (double x in new[] { 1 + t, 1 / (1 + t) }) plot.Add.VerticalLine(X(x), 1, Colors.Gray, LinePattern.Dashed);
        double lo = rows.Select(c => double.IsFinite(c.Effect!.Lower) ? c.Effect.Lower : c.Effect.Ratio).Append(1 / (1 + t)).Min();
        double hi = rows.Select(c => double.IsFinite(c.Effect!.Upper) ? c.Effect.Upper : c.Effect.Ratio).Append(1 + t).Max();
        var shown = Ticks.Where(v => v >= Math.Max(lo, 1 / Clip) / 1.05 && v <= Math.Min(hi, Clip) * 1.05).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. shown.Select(X)],
            [.. shown.Select(v => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsX(X(lo) - 0.02, X(hi) + 0.02);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, labels.Count).Select(i => (double)-i)], [.. labels]);
        plot.Axes.SetLimitsY(-labels.Count + 0.3, 0.7);
        foreach (var v in new[] { Verdict.Slower, Verdict.Faster, Verdict.Same, Verdict.Undecided })
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = CompareTable.VerdictText(v), MarkerColor = Color(v), MarkerShape = MarkerShape.FilledCircle, MarkerSize = 8 });
        plot.ShowLegend(Edge.Right);
        FigureStyle.Footer(plot, footer);
        return (plot, Math.Max(FigureFile.Height, 160 + RowHeight * labels.Count));
    }

    private static ScottPlot.Color Color(Verdict v) => v switch
    {
        Verdict.Slower => Colors.Red,
        Verdict.Faster => Colors.Green,
        Verdict.Same => Colors.Gray,
        _ => Colors.Orange,
    };
}
