using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// Terminal output: two bars, whatever the sweep's length — the sweep's (points done, ETA) and the point
/// in progress (its measured intervals, titled with the last interval's rate); a finished point's bar is
/// hidden, so the display never outgrows the terminal. Finished-point lines are written above the bars as
/// the points end, through the console that renders them.
/// </summary>
internal sealed class ProgressObserver(ProgressContext ctx, IAnsiConsole console, IReadOnlyList<RunConfig> configs, bool auditEveryPoint)
    : ISweepObserver
{
    private readonly SweepEta _eta = new(configs);
    private ProgressTask? _sweep, _point;

    public void PointStarted(int index, int total, RunConfig config)
    {
        _sweep ??= ctx.AddTask(SweepText(total), maxValue: total);
        _point?.StopTask();
        _point = ctx.AddTask(Markup.Escape(PointText.Config(config)), maxValue: config.Intervals);
    }

    public void OnInterval(RunConfig config, int interval, int intervals, double faultsPerSec)
    {
        if (_point is null) return;
        _point.Value = interval;
        _point.Description = Markup.Escape($"{PointText.Config(config)}  {Numbers.Rate(faultsPerSec)} faults/s");
    }

    public void PointFinished(int index, int total, RunConfig config, RunOutcome outcome, ResultRow row)
    {
        Ended(index, total);
        foreach (string line in PointText.Lines(index, total, config, outcome, auditEveryPoint)) WriteAbove(line);
    }

    public void PointFailed(int index, int total, RunConfig config, string reason)
    {
        Ended(index, total);
        WriteAbove(PointText.Failed(index, total, config, reason));
    }

    private void Ended(int index, int total)
    {
        _eta.Ended(index);
        if (_sweep is not null)
        {
            _sweep.Increment(1);
            _sweep.Description = SweepText(total);
        }
        if (_point is not null)
        {
            _point.Value = _point.MaxValue;
            _point.StopTask();
        }
    }

    /// <summary>
    /// A line above the bars, word-wrapped narrower than the terminal: the live display moves the cursor up
    /// by the lines it drew, and a line that wraps on its own would throw that count off and garble the bars.
    /// </summary>
    private void WriteAbove(string line)
    {
        foreach (string piece in Wrap(line, Math.Max(20, console.Profile.Width - 1))) console.WriteLine(piece);
    }

    /// <summary>Word-wrap <paramref name="line"/> at <paramref name="width"/>; continuation lines are indented two more spaces.</summary>
    private static IEnumerable<string> Wrap(string line, int width)
    {
        string lead = line[..(line.Length - line.TrimStart().Length)], indent = lead + "  ";
        var piece = new System.Text.StringBuilder(lead);
        foreach (string word in line.TrimStart().Split(' '))
        {
            if (piece.Length > indent.Length && piece.Length + 1 + word.Length > width)
            {
                yield return piece.ToString();
                piece.Clear().Append(indent);
            }
            else if (piece.Length > lead.Length) piece.Append(' ');
            piece.Append(word);
        }
        yield return piece.ToString();
    }

    private string SweepText(int total) =>
        $"sweep {_eta.Done}/{total}" + (_eta.Remaining is { } left ? $", ETA {SweepEta.Format(left)}" : "");
}
