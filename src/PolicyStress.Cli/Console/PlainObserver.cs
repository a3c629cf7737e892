using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Suites;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>Redirected output: one plain line per finished point (plus its audit line when asked).</summary>
internal sealed class PlainObserver(TextWriter output, bool auditEveryPoint) : ISweepObserver
{
    public void PointStarted(int index, int total, RunConfig config) { }

    public void OnInterval(RunConfig config, int interval, int intervals, double faultsPerSec) { }

    public void PointFinished(int index, int total, RunConfig config, RunOutcome outcome, ResultRow row)
    {
        output.WriteLine(PointText.Finished(index, total, config, outcome));
        if (auditEveryPoint || outcome.Audit.Findings > 0) output.WriteLine("  " + PointText.Audit(outcome));
        output.Flush();
    }
}
