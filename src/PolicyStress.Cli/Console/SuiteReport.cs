using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// What the suite prints when its points are done: sections in order, each a table or a few lines drawn
/// from the measured points alone.
/// </summary>
internal static class SuiteReport
{
    private static readonly Action<IAnsiConsole, IReadOnlyList<SweepPoint>>[] Sections =
        [SummaryTable.Write, ConclusionsSection.Write, ReclaimTable.Write, SpreadSection.Write, ScalingTable.Write];

    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        foreach (var section in Sections) section(console, points);
    }
}
