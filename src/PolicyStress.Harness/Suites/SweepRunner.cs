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

    /// <summary>Every combination of the lists, repetitions innermost so a point's reps run back to back.</summary>
    public static List<RunConfig> Expand(RunConfig template, IEnumerable<Workloads.WorkloadKind> workloads,
        IEnumerable<Engine.Refcounting.RefScheme> schemes, IEnumerable<Engine.Refcounting.SpLockKind> locks, IEnumerable<int> tasks, int reps)
    {
        var list = new List<RunConfig>();
        var seen = new HashSet<RunConfig>();
        foreach (var w in workloads)
            foreach (var l in locks)
                foreach (int n in tasks)
                    foreach (var s in schemes)
                    {
                        // lookup-2007 runs on the 2.6.23 spinlock whatever lock is asked for
                        // (KernelConfig.EffectiveSpLock): one point per workload and task count, recorded as spin.
                        var lk = new Engine.KernelConfig { Scheme = s, SpLock = l }.EffectiveSpLock;
                        for (int r = 1; r <= reps; r++)
                        {
                            var point = template with { Workload = w, Scheme = s, SpLock = lk, Tasks = n, Rep = r };
                            if (seen.Add(point)) list.Add(point);
                        }
                    }
        return list;
    }
}
