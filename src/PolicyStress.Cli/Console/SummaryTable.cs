using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// One table per workload: a row per scheme, tree lock and mmap lock (with the tasks per mm when they
/// share one), a column per task count holding faults/s (mean over repetitions) and its ratio to
/// <c>lookup</c> under the same locks, tasks per mm and task count.
/// </summary>
internal static class SummaryTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        foreach (var byWorkload in points.GroupBy(p => p.Config.Workload))
        {
            var tasks = byWorkload.Select(p => p.Config.Tasks).Distinct().Order().ToList();
            var table = new Table().Title($"{WorkloadNames.Name(byWorkload.Key)}: faults/s (ratio to lookup, same locks and tasks)")
                .AddColumn("scheme").AddColumn("lock").AddColumn("mmap lock");
            foreach (int n in tasks) table.AddColumn(new TableColumn($"{n} task{(n == 1 ? "" : "s")}").RightAligned());
            table.AddColumn("findings");
            var rows = byWorkload.GroupBy(p => (p.Config.Scheme, p.Config.SpLock, p.Config.MmapLock, p.Config.ThreadsPerMm))
                .OrderBy(g => g.Key.ThreadsPerMm).ThenBy(g => g.Key.MmapLock).ThenBy(g => g.Key.SpLock).ThenBy(g => g.Key.Scheme);
            foreach (var g in rows)
            {
                var cells = new List<string>
                {
                    SchemeSpelling.Name(g.Key.Scheme), SchemeSpelling.Name(g.Key.SpLock),
                    SchemeSpelling.Name(g.Key.MmapLock) + (g.Key.ThreadsPerMm > 1 ? $", {g.Key.ThreadsPerMm} tasks/mm" : ""),
                };
                foreach (int n in tasks)
                {
                    double v = Mean(g.Where(p => p.Config.Tasks == n));
                    double lookup = Mean(byWorkload.Where(p => p.Config.Scheme == RefScheme.Lookup && p.Config.SpLock == g.Key.SpLock
                        && p.Config.MmapLock == g.Key.MmapLock && p.Config.ThreadsPerMm == g.Key.ThreadsPerMm && p.Config.Tasks == n));
                    bool shared = g.Any(p => p.Config.Tasks == n && p.Outcome.Oversubscribed);
                    cells.Add(double.IsNaN(v) ? "-" : Numbers.Rate(v) + (lookup > 0 ? $" ({Numbers.Ratio(v / lookup)})" : "") + (shared ? " *" : ""));
                }
                long findings = g.Sum(p => p.Outcome.Audit.Findings);
                bool failed = g.Any(p => p.Outcome.AuditFailed);
                cells.Add(findings == 0 ? "0" : failed ? $"{findings} FAILED" : $"{findings} (expected)");
                table.AddRow(cells.Select(Markup.Escape).ToArray());
            }
            console.Write(table);
            if (byWorkload.Any(p => p.Outcome.Oversubscribed))
                console.Profile.Out.Writer.WriteLine("  * oversubscribed: more faulting tasks than CPUs, the rate includes the scheduler's turns");
        }
    }

    private static double Mean(IEnumerable<SweepPoint> ps)
    {
        var list = ps.Select(p => p.Outcome.FaultsPerSec).ToList();
        return list.Count == 0 ? double.NaN : list.Average();
    }
}
