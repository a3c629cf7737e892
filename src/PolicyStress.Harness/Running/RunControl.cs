using System.Diagnostics;

namespace PolicyStress.Harness.Running;

/// <summary>
/// The start barrier, the schedule and the stop flag of one run. Workers signal <see cref="Ready"/> once
/// pinned, block on <see cref="Go"/>, then read the schedule the runner wrote before setting it (the event
/// is a full fence, so the plain fields are visible).
/// </summary>
internal sealed class RunControl(int threads, RunConfig config)
{
    public CountdownEvent Ready { get; } = new(threads);
    public ManualResetEventSlim Go { get; } = new(false);
    public StopFlag Stop;
    public Exception? Error;

    public long StartTs, WarmupEndTs, IntervalTicks, EndTs;
    public int Intervals { get; } = config.Intervals;

    /// <summary>Fix the schedule from now and release every worker at once.</summary>
    public void Release()
    {
        StartTs = Stopwatch.GetTimestamp();
        WarmupEndTs = StartTs + Ticks(config.Warmup);
        IntervalTicks = Ticks(config.Duration) / Intervals;
        EndTs = WarmupEndTs + IntervalTicks * Intervals;
        Go.Set();
    }

    public void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref Error, e, null);
        Stop.Set();
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);
}
