using PolicyStress.Engine;
using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using PolicyStress.Harness.Workloads;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// What the suite prints when its points are done: sections in order, each a table or a few lines drawn
/// from the measured points alone.
/// </summary>
internal static class SuiteReport
{
    /// <summary>The sections that compare schemes read only the scheme points (<see cref="IsSchemePoint"/>).</summary>
    private static readonly Action<IAnsiConsole, IReadOnlyList<SweepPoint>>[] SchemeSections =
        [SummaryTable.Write];

    /// <summary>The sections that read the process-model scheme points alone (one rate per scheme, lock and tasks).</summary>
    private static readonly Action<IAnsiConsole, IReadOnlyList<SweepPoint>>[] ProcessModelSections =
        [ConclusionsSection.Write, SpreadSection.Write];

    /// <summary>The sections that tell their points apart by backend, fault cost, policy or lock themselves.</summary>
    private static readonly Action<IAnsiConsole, IReadOnlyList<SweepPoint>>[] AllPointSections =
        [BackendTable.Write, ReclaimTable.Write, ScalingTable.Write];

    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var schemePoints = points.Where(p => IsSchemePoint(p.Config)).ToList();
        foreach (var section in SchemeSections) section(console, schemePoints);
        var processModel = ProcessModel(points);
        foreach (var section in ProcessModelSections) section(console, processModel);
        foreach (var section in AllPointSections) section(console, points);
    }

    /// <summary>The scheme points of the process model on the default mmap lock: one rate per scheme, tree lock and tasks.</summary>
    public static List<SweepPoint> ProcessModel(IReadOnlyList<SweepPoint> points) =>
        [.. points.Where(p => IsSchemePoint(p.Config) && p.Config.ThreadsPerMm == 1 && p.Config.MmapLock == MmapLockKind.Rwls)];

    /// <summary>
    /// A point of the scheme comparison: the engine at its isolated fault cost and inline schedule, an
    /// interleave policy and the default writer rate (the summary tells tree locks, mmap locks and tasks per
    /// mm apart). The backend section's points differ in one of those and have a table of their own; mixing
    /// them in would put two rates in one cell.
    /// </summary>
    public static bool IsSchemePoint(RunConfig c) =>
        c.Backend == RunBackend.Engine && c.FaultCost == FaultCostKind.Isolated && c.Schedule == ScheduleKind.Inline
        && c.Policy == PolicyKind.Interleave && c.MbindRate == SuitePlan.Template(false).MbindRate;
}
