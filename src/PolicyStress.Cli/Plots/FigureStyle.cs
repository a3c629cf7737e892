using System.Globalization;
using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Cli.Scaling;
using ScottPlot;

namespace PolicyStress.Cli.Plots;

/// <summary>What every figure shares: a scheme keeps its colour in every figure, task-count ticks, log-scale ticks, the footer.</summary>
internal static class FigureStyle
{
    private static readonly Color[] Palette = new ScottPlot.Palettes.Category20().Colors;   // twelve schemes: no colour twice

    /// <summary>A scheme's place in the scheme list: the order of legends, and the key to its colour.</summary>
    public static int Order(Curve c) => Math.Max(0, Array.FindIndex(SchemeNames.Schemes, s => s.Name == c.Scheme));

    /// <summary>A scheme's colour, by <see cref="Order"/>, so lookup is the same colour everywhere; the kernel backend is black.</summary>
    public static Color Of(Curve c) => c.KernelBackend ? Colors.Black : Palette[Order(c) % Palette.Length];

    public static Plot New(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title, size: 16);
        plot.Axes.Bottom.Label.Text = x;
        plot.Axes.Left.Label.Text = y;
        return plot;
    }

    /// <summary>A line with markers for one curve; the kernel backend's is thicker, so it reads as the reference.</summary>
    public static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, Curve c, string legend)
    {
        var s = plot.Add.Scatter(xs, ys, Of(c));
        s.LegendText = legend;
        s.LineWidth = c.KernelBackend ? 3 : 2;
        s.MarkerSize = 7;
        return s;
    }

    /// <summary>Error bars in x (+/−) or y (+/−), in one colour.</summary>
    public static void ErrorBars(Plot plot, double[] xs, double[] ys, double[]? xPlus, double[]? xMinus, double[]? yPlus, double[]? yMinus, Color color) =>
        plot.Add.Plottable(new ScottPlot.Plottables.ErrorBar(xs, ys, xPlus, xMinus, yPlus, yMinus) { Color = color });

    /// <summary>Bottom ticks at the measured task counts only.</summary>
    public static void TaskTicks(Plot plot, IEnumerable<int> tasks)
    {
        var t = tasks.Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. t.Select(n => (double)n)], [.. t.Select(n => n.ToString(CultureInfo.InvariantCulture))]);
        double pad = Math.Max(0.2, (t[^1] - t[0]) * 0.05);
        plot.Axes.SetLimitsX(t[0] - pad, t[^1] + pad);
    }

    /// <summary>Left ticks for log10-scaled values: a major tick per decade, labelled in <paramref name="format"/>.</summary>
    public static void LogTicks(Plot plot, double minLog, double maxLog, Func<double, string> format)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int d = (int)Math.Floor(minLog); d <= (int)Math.Ceiling(maxLog); d++)
        {
            ticks.AddMajor(d, format(Math.Pow(10, d)));
            for (int m = 2; m < 10; m++) ticks.AddMinor(d + Math.Log10(m));
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(Math.Floor(minLog * 4) / 4, Math.Ceiling(maxLog * 4) / 4);
    }

    /// <summary>Left ticks for rates, in the console's short form (12.3M), about eight of them.</summary>
    public static void RateTicks(Plot plot) =>
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Numbers.Rate, TargetTickCount = 8 };

    /// <summary>A note in the figure's lower right corner (what made it, or why a figure part is absent).</summary>
    public static void Footer(Plot plot, string text)
    {
        var a = plot.Add.Annotation(Wrap(text, 100), Alignment.LowerRight);
        a.LabelFontSize = 11;
        a.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
        a.LabelBorderColor = Colors.Gray;
    }

    /// <summary>Break each line at spaces so that none is longer than <paramref name="width"/> characters.</summary>
    public static string Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var current = new System.Text.StringBuilder();
            foreach (var word in line.Split(' '))
            {
                if (current.Length > 0 && current.Length + 1 + word.Length > width)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }
                if (current.Length > 0) current.Append(' ');
                current.Append(word);
            }
            lines.Add(current.ToString());
        }
        return string.Join('\n', lines);
    }
}
