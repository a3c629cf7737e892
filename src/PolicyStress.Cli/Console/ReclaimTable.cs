using System.Globalization;
using PolicyStress.Engine.Refcounting.Schemes;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// The reclaim side of every scheme that defers frees, as rcuscale reports it: per point, how many policies
/// waited, the wait's median, 99th percentile and maximum, the peak and the end count of policies waiting
/// and the kernel memory they held (struct mempolicy, plus percpu-ref's per-CPU counters), and for hazptr
/// the scans' cost. Engine figures (the backend column says which); points whose scheme frees at once are
/// left out, and the section is silent when none deferred.
/// </summary>
internal static class ReclaimTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var deferring = points.Where(p => p.Outcome.Audit.Waited > 0 || p.Outcome.Audit.WaitingPeak > 0).ToList();
        if (deferring.Count == 0) return;
        var table = new Table().Title(Markup.Escape("reclaim: policies waiting to be freed (engine; wait = retire to free, µs)"))
            .AddColumn("workload").AddColumn("scheme").AddColumn("lock").AddColumn(new TableColumn("tasks").RightAligned())
            .AddColumn(new TableColumn("mbind/s").RightAligned())
            .AddColumn(new TableColumn("waited").RightAligned())
            .AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p99").RightAligned())
            .AddColumn(new TableColumn("max").RightAligned())
            .AddColumn(new TableColumn("peak").RightAligned()).AddColumn(new TableColumn("end").RightAligned())
            .AddColumn(new TableColumn("peak held").RightAligned())
            .AddColumn("notes");
        foreach (var p in deferring)
        {
            var a = p.Outcome.Audit;
            var c = p.Config;
            string notes = string.Join("; ", Notes(a));
            table.AddRow(
                Markup.Escape(c.Workload.ToString().ToLowerInvariant()), Markup.Escape(SchemeRegistry.Name(c.Scheme)),
                Markup.Escape(SchemeNames.Name(c.SpLock)), c.Tasks.ToString(CultureInfo.InvariantCulture),
                c.MbindRate.ToString(CultureInfo.InvariantCulture), a.Waited.ToString(CultureInfo.InvariantCulture),
                Us(a.WaitP50Us), Us(a.WaitP99Us), Us(a.WaitMaxUs),
                a.WaitingPeak.ToString(CultureInfo.InvariantCulture), a.Waiting.ToString(CultureInfo.InvariantCulture),
                Bytes(a.HeldPeakBytes), Markup.Escape(notes));
        }
        console.Write(table);
    }

    private static IEnumerable<string> Notes(Engine.Refcounting.AuditTotals a)
    {
        if (a.PercpuBytesPerPolicy > 0) yield return $"per-CPU {Bytes(a.PercpuBytesPerPolicy)}/policy";
        if (a.Scans > 0)
            yield return FormattableString.Invariant($"{a.Scans} scans x {(double)a.ScanSlots / a.Scans:0.#} slots") +
                         (double.IsNaN(a.ScanMeanNs) ? "" : FormattableString.Invariant($", {a.ScanMeanNs:0} ns"));
    }

    private static string Us(double v) => double.IsNaN(v) ? "-" : v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Bytes(long b) =>
        b >= 1 << 20 ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
        : b >= 1 << 10 ? (b / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
        : b.ToString(CultureInfo.InvariantCulture) + " B";
}
