using PolicyStress.Cli.ConsoleUi;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Topology;
using PolicyStress.Linux;
using Spectre.Console;

namespace PolicyStress.Cli.Commands;

/// <summary>
/// What run and suite share: the topology, the result file (checked before the first point, published at
/// the end), signals, progress bars or plain lines, and the exit code: 0; 1 when a point could not be
/// measured or the result file could not be written; 3 when a scheme that claims safety showed a finding;
/// 4 when the kernel refused a call of the kernel backend; 5 when a kernel point's numa_maps placement disagreed
/// with its policy; 6 when a kernel point's child process died or a task hung; 128 + the signal's number when
/// SIGINT, SIGTERM or SIGHUP stopped the sweep.
/// </summary>
internal static class SweepSession
{
    public const int ExitFailed = 1, ExitAuditFailed = 3, ExitKernelRefused = 4, ExitPlacementFailed = 5, ExitKernelTaskFailed = 6;

    public static RunTopology Topology(int fakeNuma)
    {
        var machine = SysfsTopology.Read();
        try { return TopologyFactory.Create(machine, fakeNuma); }
        catch (TopologyException e) { throw new UsageException($"--fake-numa: {e.Message}"); }
    }

    public static void CheckPlacement(RunTopology topology, Placement placement)
    {
        try { PlacementPlanner.Plan(topology, 1, placement); }
        catch (TopologyException e) { throw new UsageException($"--placement: {e.Message}"); }
    }

    /// <summary>
    /// Check the result file, run the points, publish the file, print per-point lines (audit lines too when
    /// asked); returns what finished, the exit code, the csv line to print last and the published file (null
    /// when none was).
    /// </summary>
    public static (SweepResult Result, int Exit, string CsvLine, string? Csv) Execute(IReadOnlyList<RunConfig> configs, RunTopology topology,
        CsvOutput output, bool auditEveryPoint)
    {
        var provenance = Provenance.Capture();
        string path = output.Csv is { } csvPath
            ? OutputFile.Check("--csv", csvPath, output.Force)
            : OutputFile.Check("--csv", provenance.DefaultCsvPath(ResultsDir(), output.Sweep), output.Force, isDefault: true);
        using var signals = new SignalCancellation();
        Console.Out.WriteLine($"topology: {topology.Kind}, {topology.Nodes.Count} node(s), CPUs {CpuList.Format(topology.AllowedCpus)}; {configs.Count} point(s)");
        if (output.Csv is null) Console.Out.WriteLine($"csv: writing {path} (the default; --csv PATH to choose)");

        SweepResult result;
        ResultFileException? writeError;
        string? written = null;
        using (var csv = Open(path))
        {
            result = Run(configs, topology, provenance, csv, auditEveryPoint, signals.Token);
            writeError = result.WriteError;
            if (writeError is null)
            {
                try { written = csv.Complete(); }
                catch (ResultFileException e) { writeError = e; }
            }
        }

        return (result, Report(result, configs.Count, signals, writeError, written, out string csvLine), csvLine, writeError is null ? written : null);
    }

    /// <summary>The closing lines (interrupted, not measured, a failed file) and the exit code.</summary>
    private static int Report(SweepResult result, int points, SignalCancellation signals, ResultFileException? writeError, string? written,
        out string csvLine)
    {
        bool interrupted = signals.Number != 0;
        if (interrupted) Console.Out.WriteLine($"interrupted: {result.Finished} of {points} point(s) finished");
        if (result.Failed.Count > 0)
            Console.Error.WriteLine($"policystress: {result.Failed.Count} of {points} point(s) not measured, so without a row; the first: {result.Failed[0].Reason}");
        if (result.Refused is { } refused)
            Console.Error.WriteLine($"policystress: --backend kernel: {refused.Message}; the point has no row");
        if (writeError is not null)
            Console.Error.WriteLine($"policystress: {writeError.Message}; " +
                (writeError.RowsIn is { } kept ? $"the {writeError.Rows} row(s) written are in '{kept}'" : "no row was kept"));
        csvLine = writeError is not null ? "csv: not published (see the error above)"
            : written is null ? "csv: no rows written" : $"csv: {written}";
        return interrupted ? signals.ExitCode
            : writeError is not null ? ExitFailed
            : result.Refused is not null ? ExitKernelRefused
            : result.Points.Any(p => p.Outcome.AuditFailed) ? ExitAuditFailed
            : result.FailureKinds.Contains(PointFailure.Placement) ? ExitPlacementFailed
            : result.FailureKinds.Contains(PointFailure.Task) ? ExitKernelTaskFailed
            : result.Failed.Count > 0 ? ExitFailed
            : 0;
    }

    private static CsvResultWriter Open(string path)
    {
        try { return new CsvResultWriter(path); }
        catch (ResultFileException e) { throw new UsageException($"--csv: {e.Message}"); }   // checked, then changed under us
    }

    /// <summary>results/ of the repository the binary was built in, else of the current directory.</summary>
    private static string ResultsDir() =>
        Path.Combine(Provenance.FindRepo(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory(), "results");

    /// <summary>Plain lines when the output is redirected; otherwise a sweep bar with an ETA and the point's bar.</summary>
    private static SweepResult Run(IReadOnlyList<RunConfig> configs, RunTopology topology, Provenance provenance,
        CsvResultWriter csv, bool auditEveryPoint, CancellationToken cancel)
    {
        if (Console.IsOutputRedirected)
            return SweepRunner.Run(configs, topology, provenance, csv, new PlainObserver(Console.Out, auditEveryPoint), cancel);
        return AnsiConsole.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx => SweepRunner.Run(configs, topology, provenance, csv, new ProgressObserver(ctx, AnsiConsole.Console, configs, auditEveryPoint), cancel));
    }
}
