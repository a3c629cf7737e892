using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// Runs configurations one after another, appending a CSV row per finished point. Cancellation stops
/// the point in progress (its row is dropped) and returns the points already finished.
/// </summary>
public static class SweepRunner
{
    public static List<SweepPoint> Run(IReadOnlyList<RunConfig> configs, RunTopology topology, Provenance provenance,
        CsvResultWriter? csv, ISweepObserver? observer = null, CancellationToken cancel = default)
    {
        var done = new List<SweepPoint>();
        for (int i = 0; i < configs.Count && !cancel.IsCancellationRequested; i++)
        {
            var c = configs[i];
            observer?.PointStarted(i, configs.Count, c);
            RunOutcome o;
            try
            {
                o = StressRunner.Run(c, topology, observer, cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var row = ResultRowFactory.Create(provenance, topology, c, o);
            csv?.Append(row);
            done.Add(new SweepPoint(c, o, row));
            observer?.PointFinished(i, configs.Count, c, o, row);
        }
        return done;
    }
}
