using PolicyStress.Cli.Compare;
using PolicyStress.Cli.Scaling;
using PolicyStress.Harness.Results;

namespace PolicyStress.Cli.Plots;

/// <summary>
/// Every figure of a set of result rows, written into one folder: per workload and tree lock, throughput,
/// cost, latency and fairness; with a base file, the ratio figure too. Returns the paths written.
/// </summary>
internal static class FigureSet
{
    public static readonly (string Name, string Shows)[] Kinds =
    [
        ("<workload>-<lock>-throughput", "faults/s against tasks, a line per scheme (the kernel backend's in black where the CSV has backend=kernel rows), dashed linear scaling from the best fewest-task rate; the legend gives will-it-scale's scalability (>= 3 task counts) and the USL fit's sigma, kappa and peak (>= 4)"),
        ("<workload>-<lock>-cost", "CPU ns per fault against tasks (solid) and each counting scheme's added ns over the none scheme (dashed)"),
        ("<workload>-<lock>-latency", "p50, p99, p99.9 and max fault latency per scheme at the most tasks, log scale"),
        ("<workload>-<lock>-fairness", "per-task faults/s: the band from the slowest to the fastest task, the line their mean, the legend the tasks' coefficient of variation"),
        ("ratio", "with --base: new/base of the metric per configuration with its 95% CI, coloured by compare's verdict"),
    ];

    public static List<string> Draw(IReadOnlyList<ResultRow> rows, string dir, bool svg, string footer, CompareReport? compare = null)
    {
        Directory.CreateDirectory(dir);
        var written = new List<string>();
        var all = Curves.From(rows);
        // The kernel has no tree lock (its rows say n/a): its curve is the reference in every engine panel of
        // its workload, and has a panel of its own only where no engine row shares the workload.
        var kernel = all.Where(c => c.KernelBackend).ToList();
        var engine = all.Where(c => !c.KernelBackend).ToList();
        var panels = engine.GroupBy(c => (c.Workload, c.SpLock))
            .Select(g => (Stem: $"{g.Key.Workload}-{g.Key.SpLock}", Curves: g.Concat(kernel.Where(k => k.Workload == g.Key.Workload)).ToList()))
            .Concat(kernel.Where(k => engine.All(e => e.Workload != k.Workload)).GroupBy(k => k.Workload)
                .Select(g => (Stem: $"{g.Key}-kernel", Curves: g.ToList())));
        foreach (var panel in panels)
        {
            var curves = panel.Curves.OrderBy(c => c.KernelBackend).ThenBy(FigureStyle.Order).ToList();
            string stem = panel.Stem.Replace('/', '-');
            written.AddRange(FigureFile.Save(SchemeFigures.Throughput(curves, footer), dir, stem + "-throughput", svg));
            written.AddRange(FigureFile.Save(SchemeFigures.Cost(curves, footer), dir, stem + "-cost", svg));
            written.AddRange(FigureFile.Save(SchemeFigures.Latency(curves, footer), dir, stem + "-latency", svg));
            written.AddRange(FigureFile.Save(SchemeFigures.Fairness(curves, footer), dir, stem + "-fairness", svg));
        }
        if (compare is not null)
        {
            var (plot, height) = RatioFigure.Draw(compare, footer);
            written.AddRange(FigureFile.Save(plot, dir, "ratio", svg, FigureFile.Width, height));
        }
        return written;
    }

    /// <summary>What made the rows: backend, machine and commit, for every figure's corner.</summary>
    public static string Footer(IReadOnlyList<ResultRow> rows)
    {
        var r = rows[0];
        string backend = CompareColumns.Key.Contains("backend") ? string.Join("+", rows.Select(x => x["backend"]).Distinct()) : "engine";
        return $"{backend} backend, {r["logical_cpus"]} CPUs ({r["cpu_model"]}), host {r["host"]}, commit {r["git_commit"]}" +
               (r["git_dirty"] == "true" ? "+dirty" : "");
    }

    /// <summary>The default folder: beside the CSV, named after it.</summary>
    public static string DefaultDir(string csv) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(csv))!, Path.GetFileNameWithoutExtension(csv) + "-figures");
}
