using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// Quiescent-state-based reclamation (the QSBR flavour of RCU) for policies whose count reached zero
/// while a task might still be reading them without a reference: lock-free tree readers and the
/// vma-held-epoch scheme. A freed policy is stamped with the global epoch and the epoch advances; it is
/// really freed once every online task has published a quiescent stamp newer than that.
/// </summary>
/// <remarks>
/// Fault path cost: one plain store of the global epoch (a line written only by reclaimers) into the
/// task's own padded counter at the end of each fault (<see cref="Kernel.Fault"/>). No fence: a store
/// has release semantics on x86 and is a Volatile.Write elsewhere, so the stamp is ordered after the
/// task's last read of any policy. Reclaimers (writers) pay for the scan over tasks.
/// </remarks>
internal sealed class EpochReclaimer(Kernel kernel)
{
    private readonly Lock _lock = new();
    private readonly List<(Mempolicy Policy, long Epoch)> _pending = new();
    private long _epoch = 1;   // written by retirers only; read by every fault's quiescent stamp

    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>DeferFree target: the count of <paramref name="p"/> is zero and it is unreachable.</summary>
    public void Retire(Mempolicy p)
    {
        lock (_lock)
        {
            // Interlocked: a full fence, so the unlink that made p unreachable is visible before the new epoch.
            _pending.Add((p, Interlocked.Increment(ref _epoch) - 1));
            kernel.Auditor.StartWaiting(p);
        }
    }

    /// <summary>Free every pending policy older than the oldest quiescent stamp of an online task.</summary>
    public void Reclaim()
    {
        lock (_lock)
        {
            if (_pending.Count == 0) return;
            long oldest = long.MaxValue;
            foreach (var t in kernel.LiveTasks())
            {
                long qs = Volatile.Read(ref t.Stats.QuiescentEpoch);
                if (qs != long.MaxValue) oldest = Math.Min(oldest, qs);   // MaxValue: offline, reads nothing
            }
            int kept = 0;
            for (int i = 0; i < _pending.Count; i++)
            {
                var (p, e) = _pending[i];
                if (e < oldest) kernel.Policies.Free(p);
                else _pending[kept++] = (p, e);
            }
            _pending.RemoveRange(kept, _pending.Count - kept);
        }
    }

    public int PendingCount { get { lock (_lock) return _pending.Count; } }
}
