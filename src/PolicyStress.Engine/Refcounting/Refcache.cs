using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>One entry of a Refcache delta cache: the object and the change to its count not yet flushed.</summary>
internal struct RefcacheSlot
{
    public Mempolicy? Policy;
    public int Delta;
}

/// <summary>
/// RadixVM's Refcache (Clements et al., EuroSys 2013, §4): each core keeps a small direct-mapped cache of
/// reference-count deltas, so a get and a put are plain additions to a line only that core writes. A
/// conflict evicts the old entry's delta into its true count; at the start of each epoch the core flushes
/// every delta. The model gives the cache to the task (the harness pins each to its own CPU, and a task is
/// one thread, so the adds need no atomics); the flush runs at the task's first quiescent point of a new
/// epoch (<see cref="Kernel"/>.Quiescent), before it publishes that epoch.
/// </summary>
internal static class Refcache
{
    /// <summary>Entries per cache (sv6's per-core cache is a few thousand; faults touch one policy at a time).</summary>
    public const int Entries = 16;

    /// <summary>Entries of padding each side of the live ones, keeping other tasks' data a padding unit away.</summary>
    private const int Pad = CacheLine.Size / 16;

    public static RefcacheSlot[] NewCache() => new RefcacheSlot[Entries + 2 * Pad];

    /// <summary>A cached get (+1) or put (−1) on <paramref name="p"/> by <paramref name="task"/>.</summary>
    public static void Add(TaskStruct task, Mempolicy p, int delta, PolicyCache cache)
    {
        ref var e = ref task.Refcache![Pad + (p.Id & (Entries - 1))];
        if (!ReferenceEquals(e.Policy, p))
        {
            if (e.Delta != 0) cache.AddToTrueCount(e.Policy!, e.Delta);   // evict: the old object's delta goes home
            e.Policy = p;
            e.Delta = 0;
        }
        e.Delta += delta;
    }

    /// <summary>The epoch flush: every non-zero delta into its true count (the policy may then be reviewed).</summary>
    public static void Flush(TaskStruct task, PolicyCache cache)
    {
        var c = task.Refcache!;
        for (int i = Pad; i < Pad + Entries; i++)
        {
            ref var e = ref c[i];
            if (e.Delta == 0) continue;
            cache.AddToTrueCount(e.Policy!, e.Delta);
            e.Delta = 0;
        }
    }
}
