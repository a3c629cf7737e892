using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// The task's hazard slot (hazptr): the one policy it is using without a count, written only by the task,
/// read by every scan. It holds the policy's <see cref="Mempolicy.Id"/>, unique to the object's current life
/// (a freed and reused object gets a new one), so a slot names one life and the struct stays blittable. 0: none.
/// Padded (<see cref="CacheLine"/>) so that scans and other tasks' slots stay off its line.
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 2 * CacheLine.Size)]
internal struct HazardSlot
{
    [System.Runtime.InteropServices.FieldOffset(CacheLine.Size)] public int PolicyId;
}

/// <summary>
/// Hazard-pointer reclamation (Michael 2004; the kernel's hazptr RFCs of 2024–2025): a policy whose count
/// reached zero is retired to a list; a scan reads every live task's hazard slot and frees the retired
/// policies no slot holds. Writers scan when they finish (the same places that run grace periods), so the
/// wait of a protected policy is until the first scan after its reader cleared its slot. Each scan's cost —
/// slots read and, with the harness's clock, nanoseconds — goes to the <see cref="Auditor"/>.
/// </summary>
internal sealed class HazardReclaimer(Kernel kernel)
{
    private readonly Lock _lock = new();
    private readonly List<Mempolicy> _retired = new();
    private readonly List<int> _held = new();

    /// <summary>DeferFree target: the count of <paramref name="p"/> is zero and no tree reaches it.</summary>
    public void Retire(Mempolicy p)
    {
        lock (_lock)
        {
            _retired.Add(p);
            kernel.Auditor.StartWaiting(p);
        }
    }

    /// <summary>Scan every task's slot; free what no slot holds.</summary>
    public void Reclaim()
    {
        lock (_lock)
        {
            if (_retired.Count == 0) return;
            long t0 = kernel.Auditor.Now();
            // smp_mb(): the unlinks that made the retired policies unreachable are ordered before the slot
            // reads, pairing with the reader's fence between its publish and its re-check of the tree.
            Interlocked.MemoryBarrier();
            _held.Clear();
            var tasks = kernel.LiveTasks();
            foreach (var t in tasks)
                if (Volatile.Read(ref t.Hazard.PolicyId) is var h and not 0) _held.Add(h);
            int kept = 0;
            for (int i = 0; i < _retired.Count; i++)
            {
                var p = _retired[i];
                if (IsHeld(p)) _retired[kept++] = p;
                else kernel.Policies.Free(p);
            }
            _retired.RemoveRange(kept, _retired.Count - kept);
            kernel.Auditor.Scanned(tasks.Length, kernel.Auditor.Now() - t0);
        }
    }

    private bool IsHeld(Mempolicy p)
    {
        return _held.Contains(p.Id);   // a retired policy keeps its Id until it is freed
    }

    public int PendingCount { get { lock (_lock) return _retired.Count; } }

    /// <summary>hazptr's publish, for a reader under the tree lock: the lock orders it before any unlink.</summary>
    public static void Protect(TaskStruct task, Mempolicy p) => Volatile.Write(ref task.Hazard.PolicyId, p.Id);

    /// <summary>hazptr's publish for a lock-free reader: a full fence before its re-check of the tree.</summary>
    public static void ProtectAndFence(TaskStruct task, Mempolicy p)
    {
        Volatile.Write(ref task.Hazard.PolicyId, p.Id);
        Interlocked.MemoryBarrier();
    }

    /// <summary>The use is over (release: the reads of the policy happen before the slot clears).</summary>
    public static void Clear(TaskStruct task) => Volatile.Write(ref task.Hazard.PolicyId, 0);
}
