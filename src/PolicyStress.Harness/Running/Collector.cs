using System.Diagnostics;
using System.Threading.Channels;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The one reader of the workers' interval samples: files them per task and interval, reports each
/// interval once every task has passed it, and returns when every worker has said it is done.
/// </summary>
internal sealed class Collector(int tasks, int intervals, RunConfig config, IRunObserver? observer)
{
    public long[,] Faults { get; } = new long[tasks, intervals + 1];
    public long[,] CpuNs { get; } = new long[tasks, intervals + 1];
    public long[,] Refs { get; } = new long[tasks, intervals + 1];
    public long[,] Ts { get; } = new long[tasks, intervals + 1];
    private readonly int[] _seen = new int[intervals + 1];

    /// <summary>Drain until every task is done; a worker silent past <paramref name="deadline"/> (ticks) is a hang.</summary>
    public void Drain(ChannelReader<IntervalSample> reader, RunControl control, long deadline)
    {
        int done = 0;
        while (done < tasks)
        {
            while (reader.TryRead(out var s))
            {
                if (s.Done) { done++; continue; }
                File(s);
            }
            if (done >= tasks) break;
            if (!reader.WaitToReadAsync().AsTask().Wait(TimeSpan.FromMilliseconds(200)) && Stopwatch.GetTimestamp() > deadline)
            {
                if (control.Stop.IsSet && control.Error is TimeoutException)
                    throw new TimeoutException("workers still running 5 s after the stop flag (engine hang?)");
                control.Fail(new TimeoutException("a worker did not finish within its deadline (engine hang?)"));
                deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;   // time to see the stop flag
            }
        }
    }

    private void File(IntervalSample s)
    {
        int t = s.Task, k = s.Index;
        Faults[t, k] = s.Faults;
        CpuNs[t, k] = s.CpuNs;
        Refs[t, k] = s.RefAtomics;
        Ts[t, k] = s.Timestamp;
        if (++_seen[k] == tasks && k > 0 && observer is not null)
        {
            double f = 0, dt = 0;
            for (int i = 0; i < tasks; i++)
            {
                f += Faults[i, k] - Faults[i, k - 1];
                dt += Ts[i, k] - Ts[i, k - 1];
            }
            double seconds = dt / tasks / Stopwatch.Frequency;
            observer.OnInterval(config, k, intervals, seconds > 0 ? f / seconds : 0);
        }
    }
}
