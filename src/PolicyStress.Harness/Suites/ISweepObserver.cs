using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Suites;

/// <summary>Progress of a sweep (many points), called on the sweep's thread. The CLI renders it.</summary>
public interface ISweepObserver : IRunObserver
{
    void PointStarted(int index, int total, RunConfig config);
    void PointFinished(int index, int total, RunConfig config, RunOutcome outcome, ResultRow row);

    /// <summary>The point ran but gave no measurement (<see cref="RunOutcome.NotMeasured"/>); it has no row.</summary>
    void PointFailed(int index, int total, RunConfig config, string reason) { }
}
