using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;
using PolicyStress.Engine.Refcounting;
using PolicyStress.Engine.SharedPolicies;

namespace PolicyStress.Engine;

public sealed partial class Kernel
{
    /// <summary>
    /// The auditor's totals. With <paramref name="quiescent"/> (no task inside the kernel) it also checks
    /// that every live policy's count equals the references the structures own — task policies, vma
    /// policies, tree nodes, vma-held attachments, retired lists — and counts leaks (a count with no
    /// owner) and mismatches, and checks every tree's invariants.
    /// </summary>
    public AuditTotals Audit(bool quiescent = true)
    {
        long leaked = 0, mismatch = 0, treeErrors = 0;
        if (quiescent)
        {
            Reclaim();
            var owned = new Dictionary<Mempolicy, int>(ReferenceEqualityComparer.Instance);
            foreach (var t in LiveTasks())
                if (t.Policy is { } tp) owned[tp] = owned.GetValueOrDefault(tp) + 1;
            foreach (var mm in LiveTasks().Select(t => t.Mm).Distinct())
            {
                mm.MmapLock.EnterReadLock();
                try
                {
                    foreach (var v in mm.Vmas)
                        if (v.VmPolicy is { } vp) owned[vp] = owned.GetValueOrDefault(vp) + 1;
                }
                finally { mm.MmapLock.ExitReadLock(); }
            }
            foreach (var sp in SharedPolicies()) treeErrors += sp.Audit(owned);
            foreach (var p in Policies.LiveObjects())
            {
                int expected = owned.GetValueOrDefault(p);
                int actual = p.RefCount;
                if (actual == 0 || actual < PolicyCache.RcurefDeadZone) continue;   // waiting to be freed (rcuref: dead-marked): not a leak
                if (expected == 0) leaked++;
                else if (actual != expected) mismatch++;
            }
        }
        var ev = Policies.Events;
        return new AuditTotals(ev.Uaf, ev.Underflow, ev.StaticPuts, ev.DoubleFree, leaked,
            treeErrors + Auditor.TreeErrors, mismatch, Auditor.WaitingNow, Auditor.WaitingPeak, ev.Freed)
        {
            Waited = Auditor.Waited,
            WaitMeanUs = Auditor.WaitMeanUs,
            WaitMaxUs = Auditor.WaitMaxUs,
            WaitP50Us = Auditor.WaitQuantileUs(0.50),
            WaitP99Us = Auditor.WaitQuantileUs(0.99),
            HeldPeakBytes = Auditor.WaitingPeak * Auditor.BytesPerPolicy,
            HeldEndBytes = Auditor.WaitingNow * Auditor.BytesPerPolicy,
            PercpuBytesPerPolicy = Config.Definition.FaultRef == Refcounting.Schemes.FaultRef.PerCpu ? PercpuRef.KernelBytesPerPolicy(Topology.CpuCount) : 0,
            Scans = Auditor.Scans,
            ScanSlots = Auditor.ScanSlots,
            ScanMeanNs = Auditor.ScanMeanNs,
        };
    }

    /// <summary>Every live shared policy tree: SysV shmem segments and MAP_SHARED anonymous objects.</summary>
    private List<SharedPolicy> SharedPolicies()
    {
        var list = new List<SharedPolicy>();
        foreach (var s in Segments)
            if (s.Object.Policy is { } sp) list.Add(sp);
        lock (_sharedAnonObjects)
            foreach (var o in _sharedAnonObjects) list.Add(o.Policy!);
        return list;
    }
}
