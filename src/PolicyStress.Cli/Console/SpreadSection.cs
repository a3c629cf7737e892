using System.Globalization;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// The suite's run-to-run spread: per repeated configuration its reps, mean and CV (all of them when few,
/// else the median and the largest), and the band inside which a difference is noise.
/// </summary>
internal static class SpreadSection
{
    private const int Listed = 6;

    public static void Write(IAnsiConsole console, IReadOnlyList<SweepPoint> points)
    {
        var w = console.Profile.Out.Writer;
        var spread = RunSpread.Of(points);
        if (spread.Configs.Count == 0)
        {
            w.WriteLine("spread: no configuration ran twice (--reps 2 or more measures it)");
            return;
        }
        w.WriteLine("spread (run to run, faults/s):");
        if (spread.Configs.Count <= Listed)
            foreach (var c in spread.Configs)
                w.WriteLine($"  {PointText.Config(c.Config, rep: false)}: {c.Reps} reps, mean {Numbers.Rate(c.Mean)}, CV {Percent(c.Cv)}");
        else
        {
            var cvs = spread.Configs.Select(c => c.Cv).Order().ToList();
            var worst = spread.Configs.MaxBy(c => c.Cv);
            w.WriteLine($"  {spread.Configs.Count} configurations with 2+ reps: median CV {Percent(cvs[cvs.Count / 2])}, " +
                        $"largest {Percent(worst.Cv)} ({PointText.Config(worst.Config, rep: false)})");
        }
        w.WriteLine($"  a difference under {Percent(spread.Band)} (twice the largest CV) is inside the spread: not a difference this run can show");
    }

    public static string Percent(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
