using System.Globalization;
using PolicyStress.Cli.Scaling;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.Refcounting.Schemes;
using ScottPlot;

namespace PolicyStress.Cli.Plots;

/// <summary>
/// The figures of one workload and tree lock, a line per scheme (the kernel backend's in black): throughput
/// against tasks with linear scaling, CPU cost per fault and the refcount's share of it, latency percentiles,
/// and per-task fairness.
/// </summary>
internal static class SchemeFigures
{
    /// <summary>The scheme that counts nothing: the others' added cost is measured against it.</summary>
    public static readonly string NoCounting = SchemeRegistry.Name(RefScheme.None);

    /// <summary>Faults/s against tasks; dashed: linear scaling from the best 1-task rate; the legend carries scalability and USL.</summary>
    public static Plot Throughput(IReadOnlyList<Curve> panel, string footer)
    {
        var first = panel[0];
        var plot = FigureStyle.New($"{first.Workload}, {first.SpLock} tree: faults/s against tasks", "tasks", "faults per second (all tasks)");
        int minTasks = panel.Min(c => c.Points[0].Tasks), maxTasks = panel.Max(c => c.Points[^1].Tasks);
        var reference = panel.Where(c => c.Points[0].Tasks == minTasks).MaxBy(c => c.Points[0].FaultsPerSec)!;
        double perTask = reference.Points[0].FaultsPerSec / minTasks;
        var linear = plot.Add.Scatter(new double[] { minTasks, maxTasks }, [perTask * minTasks, perTask * maxTasks], Colors.Gray);
        linear.LinePattern = LinePattern.Dashed;
        linear.MarkerSize = 0;
        linear.LegendText = $"linear from {reference.Series}'s {minTasks}-task rate";
        foreach (var c in panel)
        {
            string legend = c.Series + Figures(c);
            var line = FigureStyle.Line(plot, Xs(c), [.. c.Points.Select(p => p.FaultsPerSec)], c, legend);
            if (c.Points.Any(p => p.Reps > 1))   // the reps' range
                FigureStyle.ErrorBars(plot, Xs(c), [.. c.Points.Select(p => p.FaultsPerSec)], null, null,
                    [.. c.Points.Select(p => p.RepMax - p.FaultsPerSec)], [.. c.Points.Select(p => p.FaultsPerSec - p.RepMin)], line.Color);
        }
        FigureStyle.TaskTicks(plot, panel.SelectMany(c => c.Points.Select(p => p.Tasks)));
        FigureStyle.RateTicks(plot);
        plot.Axes.SetLimitsY(0, Math.Max(perTask * maxTasks, panel.Max(c => c.Points.Max(p => p.RepMax))) * 1.08);
        plot.ShowLegend(Edge.Right);
        FigureStyle.Footer(plot, Join(footer, Curve.Missing(panel.Max(c => c.Points.Count))));
        return plot;
    }

    /// <summary>CPU ns per fault (solid) and, dashed, what each counting scheme adds over <c>none</c> at the same tasks.</summary>
    public static Plot Cost(IReadOnlyList<Curve> panel, string footer)
    {
        var first = panel[0];
        var plot = FigureStyle.New($"{first.Workload}, {first.SpLock} tree: CPU time per fault (solid) and the refcount's share (dashed)",
            "tasks", "ns of faulting-thread CPU per fault");
        var none = panel.FirstOrDefault(c => c.Scheme == NoCounting && !c.KernelBackend);
        foreach (var c in panel)
        {
            FigureStyle.Line(plot, Xs(c), [.. c.Points.Select(p => p.CpuNsPerFault)], c, c.Series);
            if (none is null || c == none || c.KernelBackend) continue;
            var added = c.Points.Select(p => (p.Tasks, Ns: p.CpuNsPerFault - (none.Points.FirstOrDefault(q => q.Tasks == p.Tasks)?.CpuNsPerFault ?? double.NaN)))
                .Where(a => double.IsFinite(a.Ns)).ToList();
            if (added.Count == 0) continue;
            var d = FigureStyle.Line(plot, [.. added.Select(a => (double)a.Tasks)], [.. added.Select(a => a.Ns)], c, $"{c.Series} − {NoCounting}");
            d.LinePattern = LinePattern.Dashed;
            d.MarkerShape = MarkerShape.OpenCircle;
        }
        plot.Add.HorizontalLine(0, 1, Colors.Gray);
        FigureStyle.TaskTicks(plot, panel.SelectMany(c => c.Points.Select(p => p.Tasks)));
        plot.ShowLegend(Edge.Right);
        FigureStyle.Footer(plot, none is null ? Join(footer, $"no {NoCounting} curve: the added cost is not drawn") : footer);
        return plot;
    }

    /// <summary>p50, p99, p99.9 and max fault latency per scheme at the most tasks measured, log scale.</summary>
    public static Plot Latency(IReadOnlyList<Curve> panel, string footer)
    {
        var first = panel[0];
        int tasks = panel.Max(c => c.Points[^1].Tasks);
        var plot = FigureStyle.New($"{first.Workload}, {first.SpLock} tree: fault latency at {tasks} task{(tasks == 1 ? "" : "s")}",
            "percentile", "latency of a timed fault (log scale)");
        string[] labels = ["p50", "p99", "p99.9", "max"];
        double lo = double.MaxValue, hi = double.MinValue;
        foreach (var c in panel)
        {
            if (c.Points.FirstOrDefault(p => p.Tasks == tasks) is not { } p) continue;
            double[] ys = [.. new[] { p.P50Ns, p.P99Ns, p.P999Ns, p.MaxNs }.Select(v => Math.Log10(Math.Max(v, 1)))];
            FigureStyle.Line(plot, [0, 1, 2, 3], ys, c, c.Series);
            lo = Math.Min(lo, ys.Min());
            hi = Math.Max(hi, ys.Max());
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0, 1, 2, 3], labels);
        plot.Axes.SetLimitsX(-0.2, 3.2);
        if (lo <= hi) FigureStyle.LogTicks(plot, lo, hi, ConsoleUi.Numbers.Ns);
        plot.ShowLegend(Edge.Right);
        FigureStyle.Footer(plot, Join(footer, "one fault in sample_every timed; histogram buckets ≤ 3%"));
        return plot;
    }

    /// <summary>Per-task faults/s against tasks: the band from the slowest to the fastest task, the line their mean.</summary>
    public static Plot Fairness(IReadOnlyList<Curve> panel, string footer)
    {
        var first = panel[0];
        var plot = FigureStyle.New($"{first.Workload}, {first.SpLock} tree: per-task faults/s (band: slowest to fastest task)",
            "tasks", "faults per second of one task");
        foreach (var c in panel)
        {
            double[] xs = Xs(c);
            var last = c.Points[^1];
            string cv = last.Tasks > 1 && double.IsFinite(last.TaskCv) ? $" (±{(last.TaskCv * 100).ToString("0.#", CultureInfo.InvariantCulture)}% at {last.Tasks})" : "";
            var line = FigureStyle.Line(plot, xs, [.. c.Points.Select(p => p.FaultsPerSec / p.Tasks)], c, c.Series + cv);
            var band = plot.Add.FillY(xs, [.. c.Points.Select(p => p.TaskMax)], [.. c.Points.Select(p => p.TaskMin)]);
            band.FillColor = line.Color.WithAlpha(0.2);
            band.LineWidth = 0;
            band.MarkerSize = 0;
        }
        FigureStyle.TaskTicks(plot, panel.SelectMany(c => c.Points.Select(p => p.Tasks)));
        FigureStyle.RateTicks(plot);
        plot.Axes.SetLimitsY(0, panel.Max(c => c.Points.Max(p => p.TaskMax)) * 1.15);
        plot.ShowLegend(Edge.Right);
        FigureStyle.Footer(plot, Join(footer, "± is the tasks' coefficient of variation (task_cv)"));
        return plot;
    }

    /// <summary>", scalability 0.93, USL σ=0.012 κ=0.0003 peak 57" where the curve has them.</summary>
    private static string Figures(Curve c)
    {
        string s = c.Scalability is { } sc ? $", scalability {sc.ToString("0.00", CultureInfo.InvariantCulture)}" : "";
        if (c.Usl is { } u)
            s += $", USL σ={u.Sigma.ToString("0.###", CultureInfo.InvariantCulture)} κ={u.Kappa.ToString("G2", CultureInfo.InvariantCulture)}" +
                 $" peak {Curve.PeakText(u, c.Points[^1].Tasks)}";
        return s;
    }

    private static double[] Xs(Curve c) => [.. c.Points.Select(p => (double)p.Tasks)];

    private static string Join(string a, string? b) => b is null ? a : $"{a}\n{b}";
}
