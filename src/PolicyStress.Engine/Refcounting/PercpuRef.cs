using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// percpu_ref (lib/percpu-refcount.c) on a tree policy: one counter per CPU, each on its own line
/// (<see cref="CacheLine"/>; the kernel's per-CPU areas keep them apart by construction), the policy's
/// <see cref="Mempolicy.Refcnt"/> as the atomic count, and a state: live (per-CPU mode), dead (killed:
/// percpu_ref_tryget_live fails, the slots still count) and atomic (the slots summed into the count after a
/// grace period; gets and puts go to the count, the last put frees).
/// </summary>
/// <remarks>
/// The model pays an Interlocked add on its CPU's slot where the kernel's this_cpu_inc is an unlocked add
/// with preemption off: two harness tasks may share a simulated CPU, and a lost update would be a model
/// bug, not the scheme's. The line is still the CPU's own, so the cost is the local, uncontended one.
/// The kill does not move the slots at once as the kernel's PERCPU_COUNT_BIAS lets it: a get and its put
/// fall in one fault, which a grace period waits for, so they meet the same mode either way.
/// </remarks>
internal static class PercpuRef
{
    public const int Live = 0, Dead = 1, Atomic = 2;

    /// <summary>longs from one CPU's slot to the next: one padding unit.</summary>
    private const int Stride = CacheLine.Size / sizeof(long);

    /// <summary>What the kernel allocates per policy for the per-CPU counts: alloc_percpu(unsigned long).</summary>
    public static long KernelBytesPerPolicy(int cpus) => (long)sizeof(long) * cpus;

    /// <summary>The slots of a new policy: CPU c at (c + 1) × stride, a padding unit before and after.</summary>
    public static long[] NewSlots(int cpus) => new long[(cpus + 2) * Stride];

    /// <summary>percpu_ref_get() for a holder that found the policy under the tree lock (it cannot be dead).</summary>
    public static void Get(Mempolicy p, int cpu)
    {
        if (Volatile.Read(ref p.PcpuState) == Atomic) Interlocked.Increment(ref p.Refcnt);
        else Interlocked.Increment(ref p.PcpuCounts![(cpu + 1) * Stride]);
    }

    /// <summary>percpu_ref_tryget_live() for a lock-free reader: fails once the ref is killed.</summary>
    public static bool TryGetLive(Mempolicy p, int cpu)
    {
        if (Volatile.Read(ref p.PcpuState) != Live) return false;
        Interlocked.Increment(ref p.PcpuCounts![(cpu + 1) * Stride]);
        return true;
    }

    /// <summary>percpu_ref_put(): the slot while per-CPU counts are used, the atomic count after the switch.</summary>
    public static bool PutIsAtomic(Mempolicy p, int cpu)
    {
        if (Volatile.Read(ref p.PcpuState) == Atomic) return true;
        Interlocked.Decrement(ref p.PcpuCounts![(cpu + 1) * Stride]);
        return false;
    }

    /// <summary>percpu_ref_switch_to_atomic_rcu(): after the grace period, the slots' sum goes into the count.</summary>
    public static int Collapse(Mempolicy p)
    {
        var slots = p.PcpuCounts!;
        long sum = 0;
        for (int i = 0; i < slots.Length; i++) sum += Volatile.Read(ref slots[i]);
        Array.Clear(slots);
        Volatile.Write(ref p.PcpuState, Atomic);
        return Interlocked.Add(ref p.Refcnt, (int)sum);
    }
}
