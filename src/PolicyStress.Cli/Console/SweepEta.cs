using System.Diagnostics;
using PolicyStress.Harness.Running;

namespace PolicyStress.Cli.ConsoleUi;

/// <summary>
/// The time a sweep still needs, from the points already measured: their wall time over their planned
/// time (warm-up + duration) gives the overhead factor of this machine, which scales the planned time of
/// the points left. Unknown (null) until a point has finished.
/// </summary>
internal sealed class SweepEta(IReadOnlyList<RunConfig> configs)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _plannedDone;

    /// <summary>Points ended so far.</summary>
    public int Done { get; private set; }

    /// <summary>Point <paramref name="index"/> has ended (measured or not).</summary>
    public void Ended(int index)
    {
        _plannedDone += Planned(configs[index]);
        Done = index + 1;
    }

    public TimeSpan? Remaining
    {
        get
        {
            if (Done == 0 || _plannedDone <= 0) return null;
            double left = 0;
            for (int i = Done; i < configs.Count; i++) left += Planned(configs[i]);
            return TimeSpan.FromSeconds(left * _clock.Elapsed.TotalSeconds / _plannedDone);
        }
    }

    /// <summary>"1:05" or "1:02:05".</summary>
    public static string Format(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");

    private static double Planned(RunConfig c) => (c.Warmup + c.Duration).TotalSeconds;
}
