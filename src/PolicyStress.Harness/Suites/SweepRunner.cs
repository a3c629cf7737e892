using PolicyStress.Harness.KernelBackend;
using PolicyStress.Harness.Results;
using PolicyStress.Harness.Running;
using PolicyStress.Harness.Topology;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// Runs configurations one after another, appending a CSV row per measured point. A point whose tasks did
/// not get the CPU long enough to measure (<see cref="RunOutcome.NotMeasured"/>) is an error, not a row.
/// A row that cannot be written stops the sweep (<see cref="SweepResult.WriteError"/>), and so does a kernel that
/// refuses the kernel backend's calls (<see cref="SweepResult.Refused"/>). A kernel point whose numa_maps
/// placement disagrees with its policy, or whose child process died or hung, is a failed point without a row.
/// Cancellation stops the point in progress (its row is dropped) and returns the points already finished:
/// a runner that holds threads, child processes or segments releases them through the same token.
/// </summary>
public static class SweepRunner
{
    public static SweepResult Run(IReadOnlyList<RunConfig> configs, RunTopology topology, Provenance provenance,
        CsvResultWriter? csv, ISweepObserver? observer = null, CancellationToken cancel = default)
    {
        var result = new SweepResult();
        for (int i = 0; i < configs.Count && !cancel.IsCancellationRequested; i++)
        {
            var c = configs[i];
            observer?.PointStarted(i, configs.Count, c);
            RunOutcome o;
            try
            {
                o = c.Backend == RunBackend.Kernel
                    ? KernelRunner.Run(c, topology, observer, cancel)
                    : StressRunner.Run(c, topology, observer, cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (KernelRefusedException e)
            {
                result.Refused = e;   // every later kernel point would be refused the same way
                break;
            }
            catch (KernelTaskFailedException e)
            {
                Fail(result, observer, i, configs.Count, c, e.Message, PointFailure.Task);
                continue;
            }
            if (o.PlacementFailed)
            {
                Fail(result, observer, i, configs.Count, c, "numa_maps placement check " + o.Kernel!.NumaMapsCheck, PointFailure.Placement);
                continue;
            }
            if (o.NotMeasured(c) is { } reason)
            {
                Fail(result, observer, i, configs.Count, c, reason, PointFailure.NotMeasured);
                continue;
            }
            var row = ResultRowFactory.Create(provenance, topology, c, o);
            try
            {
                csv?.Append(row);
            }
            catch (ResultFileException e)
            {
                result.WriteError = e;   // nothing more could be kept: stop here
                break;
            }
            result.Points.Add(new SweepPoint(c, o, row));
            observer?.PointFinished(i, configs.Count, c, o, row);
        }
        return result;
    }

    private static void Fail(SweepResult result, ISweepObserver? observer, int i, int total, RunConfig c, string reason, PointFailure kind)
    {
        result.Failed.Add((c, reason));
        result.FailureKinds.Add(kind);
        observer?.PointFailed(i, total, c, reason);
    }
}
