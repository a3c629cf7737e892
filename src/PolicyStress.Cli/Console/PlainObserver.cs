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
        foreach (string line in PointText.Lines(index, total, config, outcome, auditEveryPoint)) output.WriteLine(line);
        output.Flush();
    }

    public void PointFailed(int index, int total, RunConfig config, string reason)
    {
        output.WriteLine(PointText.Failed(index, total, config, reason));
        output.Flush();
    }
}
