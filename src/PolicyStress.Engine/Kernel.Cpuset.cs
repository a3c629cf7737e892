using PolicyStress.Engine.AddressSpaces;
using PolicyStress.Engine.Policies;

namespace PolicyStress.Engine;

/// <summary>cpuset mems changes: mpol_rebind_task() and mpol_rebind_mm() (spec rule 24).</summary>
public sealed partial class Kernel
{
    /// <summary>
    /// The cpuset of <paramref name="tasks"/> now allows <paramref name="mems"/>: update each task's
    /// mems_allowed, rebind its task policy (task_lock) and every vma policy of its mm (mmap lock for write).
    /// Shared tree policies are never rebound — except, in 2007, through the object task1's vma shares
    /// with the tree, which is rebound in place (KOSAKI's 2012 complaint).
    /// </summary>
    public void CpusetSetMems(IEnumerable<TaskStruct> tasks, NodeMask mems)
    {
        var mms = new HashSet<Mm>();
        foreach (var t in tasks)
        {
            lock (t.TaskLock)
            {
                t.MemsAllowed = mems;
                RebindPolicy(t.Policy, mems);
            }
            mms.Add(t.Mm);
        }
        foreach (var mm in mms)
        {
            mm.MmapLock.EnterWriteLock();
            try
            {
                foreach (var v in mm.Vmas)
                {
                    VmaStartWrite(mm, v);   // mpol_rebind_mm(): vma_start_write before the policy changes
                    RebindPolicy(v.VmPolicy, mems);
                }
            }
            finally { mm.MmapLock.ExitWriteLock(); }
        }
    }

    /// <summary>mpol_rebind_policy(): static → user ∩ new; relative → fold onto new; otherwise remap
    /// from the old cpuset to the new; an empty result becomes the whole new set. Preferred modes only
    /// record the new cpuset (the preferred node is a hint).</summary>
    internal static void RebindPolicy(Mempolicy? pol, NodeMask mems)
    {
        if (pol is null || pol.Mode is MempolicyMode.Local or MempolicyMode.Default) return;
        if (!pol.StoresUserNodemask && pol.CpusetMemsAllowed == mems) return;
        switch (pol.Mode)
        {
            case MempolicyMode.Preferred:
            case MempolicyMode.PreferredMany:
                pol.CpusetMemsAllowed = mems;
                return;
        }
        NodeMask tmp;
        if ((pol.Flags & MpolFlags.StaticNodes) != 0) tmp = pol.UserNodemask!.Low.And(mems);
        else if ((pol.Flags & MpolFlags.RelativeNodes) != 0) tmp = pol.UserNodemask!.Fold(mems.Weight).Onto(mems);
        else
        {
            tmp = pol.Nodes.Remap(pol.CpusetMemsAllowed, mems);
            pol.CpusetMemsAllowed = mems;
        }
        pol.Nodes = tmp.IsEmpty ? mems : tmp;
    }
}
