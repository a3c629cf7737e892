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
        [SummaryTable.Write, ConclusionsSection.Write, SpreadSection.Write];

    /// <summary>The sections that tell their points apart by backend, fault cost, policy or lock themselves.</summary>
    private static readonly Action<IAnsiConsole, IReadOnlyList<SweepPoint>>[] AllPointSections =
        [BackendTable.Write, ReclaimTable.Write, ScalingTable.Write];

    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var schemePoints = points.Where(p => IsSchemePoint(p.Config)).ToList();
        foreach (var section in SchemeSections) section(console, schemePoints);
        foreach (var section in AllPointSections) section(console, points);
    }

    /// <summary>
    /// A point of the scheme comparison: the engine at its isolated fault cost, an interleave policy, the
    /// process model and the default writer rate. The backend, lock-kind and writer-rate points differ in one
    /// of those and have tables of their own; mixing them in would put two rates in one cell.
    /// </summary>
    public static bool IsSchemePoint(RunConfig c) =>
        c.Backend == RunBackend.Engine && c.FaultCost == Engine.FaultCostKind.Isolated && c.Policy == PolicyKind.Interleave
        && c.ThreadsPerMm == 1 && c.MbindRate == SuitePlan.Template(false).MbindRate;
}
