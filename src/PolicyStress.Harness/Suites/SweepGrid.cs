using PolicyStress.Harness.Running;

namespace PolicyStress.Harness.Suites;

/// <summary>
/// The points of a sweep: a template configuration and the axes it varies, each a list of values and
/// how a value sets the configuration. <see cref="Expand"/> takes every combination, the first axis
/// outermost and repetitions innermost (a point's reps run back to back), normalises each point the way
/// the engine will run it, and drops duplicates. A new dimension is one more <see cref="Over{T}"/>.
/// </summary>
public sealed class SweepGrid(RunConfig template)
{
    private readonly List<Func<RunConfig, IEnumerable<RunConfig>>> _axes = [];

    public SweepGrid Over<T>(IEnumerable<T> values, Func<RunConfig, T, RunConfig> apply)
    {
        var list = values.Distinct().ToList();
        _axes.Add(c => list.Select(v => apply(c, v)));
        return this;
    }

    public List<RunConfig> Expand(int reps)
    {
        IEnumerable<RunConfig> points = [template];
        foreach (var axis in _axes) points = points.SelectMany(axis);
        var list = new List<RunConfig>();
        var seen = new HashSet<RunConfig>();
        foreach (var p in points)
        {
            var point = Normalize(p);
            for (int r = 1; r <= reps; r++)
                if (seen.Add(point with { Rep = r })) list.Add(point with { Rep = r });
        }
        return list;
    }

    /// <summary>
    /// The configuration as the engine runs it: lookup-2007 runs on the 2.6.23 spinlock whatever lock is
    /// asked for (KernelConfig.EffectiveSpLock), so it is one point recorded as spin, and without per-VMA
    /// locks (EffectiveMmapLock: per-vma becomes rwsem); the isolated fault cost spends no private work, so
    /// its calibration setting is not part of the point. The kernel backend has neither schemes nor locks
    /// nor 2007 bugs nor fault costs, and always the barrier schedule: its points lose those axes (the CSV
    /// writes n/a), so a sweep over schemes or fault costs runs each kernel point once.
    /// </summary>
    private static RunConfig Normalize(RunConfig c)
    {
        if (c.Backend == RunBackend.Kernel)
            return c with
            {
                Scheme = KernelScheme, SpLock = KernelSpLock, MmapLock = KernelMmapLock, Bugs = Engine.Refcounting.Bugs2007.None,
                FaultCost = Engine.FaultCostKind.Isolated, PrivateWork = PrivateWorkSetting.Auto, Schedule = ScheduleKind.Barrier,
            };
        var k = new Engine.KernelConfig { Scheme = c.Scheme, SpLock = c.SpLock, MmapLock = c.MmapLock };
        return c with
        {
            SpLock = k.EffectiveSpLock, MmapLock = k.EffectiveMmapLock,
            PrivateWork = c.FaultCost == Engine.FaultCostKind.Isolated ? PrivateWorkSetting.Auto : c.PrivateWork,
        };
    }

    /// <summary>The scheme and lock fields a kernel point carries (not written: the CSV says n/a).</summary>
    internal static readonly Engine.Refcounting.RefScheme KernelScheme = new RunConfig().Scheme;
    internal static readonly Engine.Refcounting.SpLockKind KernelSpLock = new RunConfig().SpLock;
    internal static readonly Engine.AddressSpaces.MmapLockKind KernelMmapLock = new RunConfig().MmapLock;
}
