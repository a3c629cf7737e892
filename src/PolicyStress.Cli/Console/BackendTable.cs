using System.Globalization;
using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// The answer in the kernel's terms (the suite's backend section): per workload, the real kernel with and
/// without a policy beside the engine at both fault costs, as faults/s and ns per fault (a task's wall time
/// per fault: tasks ÷ faults/s), and scaling T(n)/T(1); then what each piece adds per fault: the real
/// policy (interleave − none, same layout), each scheme's shared-line traffic in the model (scheme − none,
/// same fault cost and lock), and that added cost as a share of a real fault (the kernel's ns per fault
/// without a policy at the same task count). The engine rows are the barrier-schedule points of the suite's
/// backend section (the kernel backend's schedule). Silent when the points hold no kernel row.
/// </summary>
internal static class BackendTable
{
    private sealed record Line(string Backend, string What, Func<RunConfig, bool> Match);

    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var kernel = points.Where(p => p.Config.Backend == RunBackend.Kernel && p.Config.ThreadsPerMm == 1).ToList();
        if (kernel.Count == 0) return;
        foreach (var workload in kernel.Select(p => p.Config.Workload).Distinct().Order())
        {
            var sameLayout = points.Where(p => p.Config.Workload == workload && p.Config.ThreadsPerMm == 1
                && p.Config.MbindRate == SuitePlan.Template(false).MbindRate && !p.Outcome.Oversubscribed).ToList();
            var tasks = kernel.Where(p => p.Config.Workload == workload).Select(p => p.Config.Tasks).Distinct().Order().ToArray();
            var engine = sameLayout.Where(p => Engine(p.Config, p.Config.FaultCost)).ToList();
            var lines = Lines(engine).ToList();
            WriteRates(console, workload, tasks, sameLayout, lines);
            WriteAdded(console, workload, tasks, sameLayout, engine);
        }
        console.Profile.Out.Writer.WriteLine(
            "  ns/fault is a task's wall time per fault (tasks / faults/s). kernel: this machine's kernel, real SysV shm faults; " +
            "engine isolated: the model's policy path alone; engine kernel-shaped: plus clear_page, xa_lock, info->lock and calibrated private work.");
    }

    /// <summary>The rows: the kernel without and with a policy, then per engine fault cost the schemes present.</summary>
    private static IEnumerable<Line> Lines(List<SweepPoint> engine)
    {
        yield return new Line("kernel", "policy none", c => c.Backend == RunBackend.Kernel && c.Policy == PolicyKind.None);
        yield return new Line("kernel", "policy interleave", c => c.Backend == RunBackend.Kernel && c.Policy == PolicyKind.Interleave);
        foreach (var cost in engine.Select(p => p.Config.FaultCost).Distinct().Order())
        {
            string backend = CostName(cost);
            if (engine.Any(p => p.Config.FaultCost == cost && p.Config.Policy == PolicyKind.None))
                yield return new Line(backend, "policy none", c => Engine(c, cost) && c.Policy == PolicyKind.None);
            foreach (var scheme in engine.Where(p => p.Config.FaultCost == cost && p.Config.Policy == PolicyKind.Interleave)
                         .Select(p => p.Config.Scheme).Distinct().Order())
                yield return new Line(backend, SchemeSpelling.Name(scheme), c => Engine(c, cost) && c.Policy == PolicyKind.Interleave && c.Scheme == scheme);
        }
    }

    private static bool Engine(RunConfig c, FaultCostKind cost) =>
        c.Backend == RunBackend.Engine && c.FaultCost == cost && c.SpLock == SuitePlan.BackendLock
        && c.Schedule == ScheduleKind.Barrier && c.MmapLock == MmapLockKind.Rwls;

    private static string CostName(FaultCostKind cost) => cost == FaultCostKind.Kernel ? "engine kernel-shaped" : "engine isolated";

    private static void WriteRates(IAnsiConsole console, WorkloadKind workload, int[] tasks, List<SweepPoint> points, List<Line> lines)
    {
        var table = new Table().Title(Markup.Escape($"{WorkloadNames.Name(workload)}: kernel vs engine, faults/s and ns per fault (engine tree lock {SchemeSpelling.Name(SuitePlan.BackendLock)})"))
            .AddColumn("backend").AddColumn("scheme / policy");
        foreach (int n in tasks) table.AddColumn(new TableColumn($"{n} task{(n == 1 ? "" : "s")}").RightAligned());
        if (tasks.Length > 1) table.AddColumn(new TableColumn($"T({tasks[^1]})/T({tasks[0]})").RightAligned());
        foreach (var line in lines)
        {
            var cells = new List<string> { line.Backend, line.What };
            foreach (int n in tasks)
            {
                double rate = Rate(points, line.Match, n);
                cells.Add(double.IsNaN(rate) ? "-" : $"{Numbers.Rate(rate)} ({Numbers.Ns(n * 1e9 / rate)})");
            }
            if (tasks.Length > 1)
            {
                double first = Rate(points, line.Match, tasks[0]), last = Rate(points, line.Match, tasks[^1]);
                cells.Add(double.IsNaN(first) || double.IsNaN(last) ? "-" : Numbers.Ratio(last / first));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        console.Write(table);
    }

    private static void WriteAdded(IAnsiConsole console, WorkloadKind workload, int[] tasks, List<SweepPoint> points, List<SweepPoint> engine)
    {
        var table = new Table().Title(Markup.Escape($"{WorkloadNames.Name(workload)}: ns each piece adds per fault, and its share of a real fault (kernel, policy none, same tasks)"))
            .AddColumn("backend").AddColumn("what");
        foreach (int n in tasks) table.AddColumn(new TableColumn($"{n} task{(n == 1 ? "" : "s")}").RightAligned());
        Func<RunConfig, bool> kernelNone = c => c.Backend == RunBackend.Kernel && c.Policy == PolicyKind.None;
        AddedRow(table, points, tasks, "kernel", "the policy (interleave - none)",
            c => c.Backend == RunBackend.Kernel && c.Policy == PolicyKind.Interleave, kernelNone, kernelNone);
        foreach (var cost in engine.Select(p => p.Config.FaultCost).Distinct().Order())
        {
            Func<RunConfig, bool> none = c => Engine(c, cost) && c.Policy == PolicyKind.Interleave && c.Scheme == RefScheme.None;
            if (engine.Any(p => p.Config.FaultCost == cost && p.Config.Policy == PolicyKind.None))
                AddedRow(table, points, tasks, CostName(cost), "the policy, no reference (scheme none - policy none)",
                    none, c => Engine(c, cost) && c.Policy == PolicyKind.None, kernelNone);
            foreach (var scheme in engine.Where(p => p.Config.FaultCost == cost && p.Config.Policy == PolicyKind.Interleave && p.Config.Scheme != RefScheme.None)
                         .Select(p => p.Config.Scheme).Distinct().Order())
                AddedRow(table, points, tasks, CostName(cost), $"{SchemeSpelling.Name(scheme)}'s references (- none)",
                    c => Engine(c, cost) && c.Policy == PolicyKind.Interleave && c.Scheme == scheme, none, kernelNone);
        }
        console.Write(table);
    }

    /// <summary>A row of <c>ns(with) − ns(without)</c> per task count, with its share of the real fault's ns.</summary>
    private static void AddedRow(Table table, List<SweepPoint> points, int[] tasks, string backend, string what,
        Func<RunConfig, bool> with, Func<RunConfig, bool> without, Func<RunConfig, bool> real)
    {
        var cells = new List<string> { backend, what };
        foreach (int n in tasks)
        {
            double a = Rate(points, with, n), b = Rate(points, without, n), r = Rate(points, real, n);
            if (double.IsNaN(a) || double.IsNaN(b)) { cells.Add("-"); continue; }
            double added = n * 1e9 / a - n * 1e9 / b;
            string share = double.IsNaN(r) ? "" : " (" + (added / (n * 1e9 / r)).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) + ")";
            cells.Add(added.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + " ns" + share);
        }
        table.AddRow(cells.Select(Markup.Escape).ToArray());
    }

    /// <summary>Mean faults/s of the matching points at <paramref name="tasks"/> tasks (NaN when none).</summary>
    private static double Rate(List<SweepPoint> points, Func<RunConfig, bool> match, int tasks)
    {
        var rates = points.Where(p => p.Config.Tasks == tasks && match(p.Config) && p.Outcome.FaultsPerSec > 0)
            .Select(p => p.Outcome.FaultsPerSec).ToList();
        return rates.Count == 0 ? double.NaN : rates.Average();
    }
}
