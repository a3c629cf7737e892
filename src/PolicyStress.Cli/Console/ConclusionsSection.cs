using PolicyStress.Engine.Refcounting;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// What the suite's rows say, a few lines per workload, read from the measured points alone: at the largest
/// task count, what lookup's reference per fault costs against none and how close the best safe scheme
/// comes to none; how none on the snapshot tree scaled; in churn, whether Figure 3's use after free was
/// caught; and whether every scheme that claims safety stayed clean. A ratio within the run-to-run spread
/// (<see cref="RunSpread"/>) says so.
/// </summary>
internal static class ConclusionsSection
{
    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        if (points.Count == 0) return;
        var w = console.Profile.Out.Writer;
        var spread = RunSpread.Of(points);
        w.WriteLine("conclusions:");
        foreach (var g in points.GroupBy(p => p.Config.Workload))
            foreach (string line in ForWorkload([.. g], spread))
                w.WriteLine($"  {WorkloadNames.Name(g.Key)}: {line}");
        w.WriteLine("  " + Safety(points));
    }

    private static IEnumerable<string> ForWorkload(List<SweepPoint> ps, RunSpread spread)
    {
        int n = ps.Max(p => p.Config.Tasks);
        var locks = ps.Where(p => p.Config.Scheme == RefScheme.Lookup).Select(p => p.Config.SpLock).Distinct().Order().ToList();
        var cost = locks.Select(l => (l, r: Ratio(ps, RefScheme.Lookup, RefScheme.None, l, n))).Where(x => !double.IsNaN(x.r)).ToList();
        if (cost.Count > 0)
            yield return $"at {Tasks(n)} lookup, a reference per fault, runs at " +
                         string.Join(", ", cost.Select(x => $"{Numbers.Ratio(x.r)} of none on {SchemeSpelling.Name(x.l)}{Noise(spread, x.r)}"));

        var safe = ps.Where(p => p.Outcome.ClaimsSafety && p.Config.Scheme != RefScheme.Lookup && p.Config.Tasks == n && p.Config.SpLock == SpLockKind.Snapshot)
            .GroupBy(p => p.Config.Scheme)
            .Select(g => (Scheme: g.Key, r: Ratio(ps, g.Key, RefScheme.None, SpLockKind.Snapshot, n)))
            .Where(x => !double.IsNaN(x.r)).OrderByDescending(x => x.r).ToList();
        if (safe.Count > 0)
        {
            var best = safe[0];
            string above = best.r > 1 && !spread.Inside(best.r) ? ": above the unsafe ceiling by more than the spread, so the machine was noisy" : "";
            yield return $"the best safe scheme on snapshot at {Tasks(n)} is {SchemeSpelling.Name(best.Scheme)}, at {Numbers.Ratio(best.r)} of none{Noise(spread, best.r)}{above}";
        }

        if (n > 1 && Mean(ps, RefScheme.None, SpLockKind.Snapshot, 1) is var one && Mean(ps, RefScheme.None, SpLockKind.Snapshot, n) is var many && one > 0 && many > 0)
            yield return $"none on snapshot (no reference count, no reader lock) scales {Numbers.Ratio(many / one)} from 1 to {n} tasks (linear: {n}x)";

        var figure3 = ps.Where(p => p.Config.Scheme == RefScheme.VmaHeld).ToList();
        if (ps[0].Config.Workload == WorkloadKind.Churn && figure3.Count > 0)
        {
            int caught = figure3.Count(p => p.Outcome.Audit.Uaf > 0);
            yield return caught > 0
                ? $"Figure 3 caught: vma-held used freed policies in {caught} of {figure3.Count} point(s) (uaf={figure3.Sum(p => p.Outcome.Audit.Uaf)})"
                : $"vma-held used no freed policy in {figure3.Count} point(s): the replace race was not hit (longer points or more tasks hit it)";
        }
    }

    private static string Safety(IReadOnlyList<SweepPoint> points)
    {
        var claims = points.Where(p => p.Outcome.ClaimsSafety).ToList();
        var failed = claims.Where(p => p.Outcome.AuditFailed).ToList();
        string names = string.Join(", ", claims.Select(p => SchemeSpelling.Name(p.Config.Scheme)).Distinct());
        return failed.Count == 0
            ? $"safe schemes clean: no auditor finding in {claims.Count} point(s) of {names}"
            : $"AUDIT FAILED: {string.Join(", ", failed.Select(p => PointText.Config(p.Config)))} showed findings although the scheme claims safety";
    }

    private static string Tasks(int n) => n == 1 ? "1 task" : $"{n} tasks";

    private static string Noise(RunSpread spread, double ratio) => spread.Inside(ratio) ? " (inside the spread)" : "";

    private static double Ratio(List<SweepPoint> ps, RefScheme a, RefScheme b, SpLockKind l, int tasks) =>
        Mean(ps, a, l, tasks) is var x && Mean(ps, b, l, tasks) is var y && y > 0 ? x / y : double.NaN;

    private static double Mean(List<SweepPoint> ps, RefScheme s, SpLockKind l, int tasks)
    {
        var v = ps.Where(p => p.Config.Scheme == s && p.Config.SpLock == l && p.Config.Tasks == tasks).Select(p => p.Outcome.FaultsPerSec).ToList();
        return v.Count == 0 ? double.NaN : v.Average();
    }
}
