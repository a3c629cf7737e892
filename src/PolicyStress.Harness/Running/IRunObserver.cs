namespace PolicyStress.Harness.Running;

/// <summary>Progress of a run, called on the collector thread (the caller of the run). No console here.</summary>
public interface IRunObserver
{
    /// <summary>Every task has reported measured interval <paramref name="interval"/> (1-based) of <paramref name="intervals"/>.</summary>
    void OnInterval(RunConfig config, int interval, int intervals, double faultsPerSec);
}
