using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting.Schemes;

namespace PolicyStress.Engine.Refcounting;

/// <summary>
/// Quiescent-state-based reclamation (the QSBR flavour of RCU) for policies whose count reached zero
/// while a task might still be reading them without a reference: lock-free tree readers and the schemes
/// whose frees wait (<see cref="FreeRule"/>). A retired policy is stamped with the global epoch and the
/// epoch advances; its grace period is over once every online task has published a quiescent stamp newer
/// than that. Then, by the scheme: freed (call_rcu, kfree_rcu); switched to atomic mode and freed if its
/// summed count is zero (percpu_ref_kill); or, for Refcache, freed once its true count has stayed zero
/// across two epochs (the epoch is advanced here when every task has caught up, so that the second comes).
/// </summary>
/// <remarks>
/// Fault path cost: one plain store of the global epoch (a line written only by reclaimers) into the
/// task's own padded counter at the end of each fault (<see cref="Kernel.Fault"/>). No fence: a store
/// has release semantics on x86 and is a Volatile.Write elsewhere, so the stamp is ordered after the
/// task's last read of any policy. Reclaimers (writers) pay for the scan over tasks.
/// </remarks>
internal sealed class EpochReclaimer(Kernel kernel, FreeRule rule)
{
    private readonly Lock _lock = new();
    private readonly List<(Mempolicy Policy, long Epoch)> _pending = new();
    private long _epoch = 1;   // written by retirers only; read by every fault's quiescent stamp

    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>DeferFree target: the count of <paramref name="p"/> is zero and it is unreachable.</summary>
    public void Retire(Mempolicy p)
    {
        if (rule == FreeRule.PercpuKill)
        {
            // The last put after the switch to atomic mode frees at once (percpu_ref's release callback).
            if (Volatile.Read(ref p.PcpuState) == PercpuRef.Atomic)
            {
                kernel.Policies.Free(p);
                return;
            }
            Volatile.Write(ref p.PcpuState, PercpuRef.Dead);   // percpu_ref_kill: tryget_live fails from now on
        }
        lock (_lock)
        {
            // Interlocked: a full fence, so the unlink that made p unreachable is visible before the new epoch.
            _pending.Add((p, Interlocked.Increment(ref _epoch) - 1));
            kernel.Auditor.StartWaiting(p);
        }
    }

    /// <summary>Finish every pending policy whose grace period (two, for Refcache) is over.</summary>
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
            // Refcache's two epochs: stamped e, the first ends when every task has flushed at e + 1, the
            // second at e + 2.
            long need = rule == FreeRule.TwoEpochs ? 2 : 1;
            int kept = 0;
            for (int i = 0; i < _pending.Count; i++)
            {
                var (p, e) = _pending[i];
                if (e + need <= oldest && Finish(p)) continue;
                _pending[kept++] = (p, e);
            }
            _pending.RemoveRange(kept, _pending.Count - kept);
            // Refcache: nobody retires, yet pending policies need the next epoch; start it once all caught up.
            if (rule == FreeRule.TwoEpochs && kept > 0 && oldest != long.MaxValue && oldest >= Volatile.Read(ref _epoch))
                Interlocked.Increment(ref _epoch);
        }
    }

    /// <summary>The grace period of <paramref name="p"/> is over: free it, by the rule; false to keep it pending.</summary>
    private bool Finish(Mempolicy p)
    {
        switch (rule)
        {
            case FreeRule.PercpuKill:
                // percpu_ref_switch_to_atomic_rcu(): the per-CPU counts go into the atomic one. Zero: the
                // release runs now; otherwise a holder's last put frees it (Retire, atomic mode).
                if (PercpuRef.Collapse(p) == 0) kernel.Policies.Free(p);
                else kernel.Auditor.StopWaiting(p);
                return true;
            case FreeRule.TwoEpochs:
                // Refcache review: still zero after two flushes of every cache — free. Revived (a cached get
                // flushed meanwhile): drop it from review; its next zero sends it back.
                if (Volatile.Read(ref p.Refcnt) == 0) kernel.Policies.Free(p);
                else kernel.Auditor.StopWaiting(p);
                return true;
            default:
                kernel.Policies.Free(p);
                return true;
        }
    }

    public int PendingCount { get { lock (_lock) return _pending.Count; } }
}
