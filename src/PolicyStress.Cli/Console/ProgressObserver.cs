using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;
using Spectre.Console;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// Terminal output: a bar for the whole sweep and one for the point in progress (its measured intervals,
/// titled with the last interval's rate). Finished-point lines are kept and printed when the bars end,
/// because writing under a live display garbles it.
/// </summary>
internal sealed class ProgressObserver(ProgressContext ctx, bool auditEveryPoint) : ISweepObserver
{
    private ProgressTask? _sweep, _point;
    public List<string> Lines { get; } = [];

    public void PointStarted(int index, int total, RunConfig config)
    {
        _sweep ??= ctx.AddTask("sweep", maxValue: total);
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
        _sweep?.Increment(1);
        if (_point is not null)
        {
            _point.Value = _point.MaxValue;
            _point.StopTask();
            _point.IsIndeterminate = false;
        }
        Lines.Add(PointText.Finished(index, total, config, outcome));
        if (auditEveryPoint || outcome.Audit.Findings > 0) Lines.Add("  " + PointText.Audit(outcome));
    }
}
