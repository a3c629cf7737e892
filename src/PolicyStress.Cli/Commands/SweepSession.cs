using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Topology;
using PolicyStress.Linux;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// What run and suite share: the topology, the CSV file, Ctrl-C, progress bars or plain lines, and the
/// exit code (0; 3 when a scheme that claims safety showed a finding; 130 when interrupted).
/// </summary>
internal static class SweepSession
{
    public const int ExitAuditFailed = 3, ExitInterrupted = 130;

    public static RunTopology Topology(int fakeNuma)
    {
        var machine = SysfsTopology.Read();
        try { return TopologyFactory.Create(machine, fakeNuma); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(e.Message.Split(Environment.NewLine)[0].Split(" (Parameter")[0]); }
    }

    public static void CheckPlacement(RunTopology topology, Placement placement)
    {
        try { PlacementPlanner.Plan(topology, 1, placement); }
        catch (FormatException e) { throw new UsageException(e.Message); }
    }

    /// <summary>Run the points, write the CSV, print per-point lines (audit lines too when asked); returns the points, the exit code, the csv line to print last and the CSV's path (null when no row was written).</summary>
    public static (List<SweepPoint> Points, int Exit, string CsvLine, string? Csv) Execute(IReadOnlyList<RunConfig> configs, RunTopology topology, string? csvPath, bool auditEveryPoint)
    {
        var provenance = Provenance.Capture();
        string repo = Provenance.FindRepo(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
        string path = csvPath ?? provenance.DefaultCsvPath(Path.Combine(repo, "results"));
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;   // stop cleanly: the point in progress is dropped, finished rows are kept
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        List<SweepPoint> points;
        string? written;
        try
        {
            using var csv = new CsvResultWriter(path);
            Console.Out.WriteLine($"topology: {topology.Kind}, {topology.Nodes.Count} node(s), CPUs {CpuList.Format(topology.AllowedCpus)}; {configs.Count} point(s)");
            if (Console.IsOutputRedirected)
            {
                points = SweepRunner.Run(configs, topology, provenance, csv, new PlainObserver(Console.Out, auditEveryPoint), cts.Token);
            }
            else
            {
                List<string> lines = [];
                points = AnsiConsole.Progress().AutoClear(true)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .Start(ctx =>
                    {
                        var obs = new ProgressObserver(ctx, auditEveryPoint);
                        var result = SweepRunner.Run(configs, topology, provenance, csv, obs, cts.Token);
                        lines = obs.Lines;
                        return result;
                    });
                foreach (var l in lines) Console.Out.WriteLine(l);
            }
            written = csv.Complete();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        bool interrupted = cts.IsCancellationRequested;
        if (interrupted) Console.Out.WriteLine($"interrupted: {points.Count} of {configs.Count} point(s) finished");
        string csvLine = written is null ? "csv: no rows written" : $"csv: {written}";
        int exit = interrupted ? ExitInterrupted : points.Any(p => p.Outcome.AuditFailed) ? ExitAuditFailed : 0;
        return (points, exit, csvLine, written);
    }
}
