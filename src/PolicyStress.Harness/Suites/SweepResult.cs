using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Suites;

/// <summary>What a sweep finished: the measured points, and the points that ran but could not be measured.</summary>
public sealed class SweepResult
{
    public List<SweepPoint> Points { get; } = [];
    public List<(RunConfig Config, string Reason)> Failed { get; } = [];

    /// <summary>The result file failed and the sweep stopped; null when every row was written.</summary>
    public ResultFileException? WriteError { get; set; }

    /// <summary>Points that ran to the end, measured or not.</summary>
    public int Finished => Points.Count + Failed.Count;
}
